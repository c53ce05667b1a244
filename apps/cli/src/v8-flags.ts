import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * How V8 collects garbage for cairn. A backup streams gigabytes through Buffers whose memory
 * lives outside V8's heap, and both settings are about when that memory is given back.
 *
 * A flag V8 does not know makes it print "Error: unrecognized flag" at every start, so each
 * is only set on the V8 major versions it was checked in (`node --v8-options`): Node 22 is
 * V8 12.4, Node 24 13.6, Node 26 14.6. Widen a range after checking a newer Node.
 */
export const V8_SETTINGS = [
  {
    // Keep the young generation at its starting size. Free to grow (to 16 MiB and more per
    // semi-space), it lets dead Buffer handles wait long between collections. Measured on the
    // bench's 1 GiB mixed tree: peak resident 180 MiB before, 126 after.
    flag: "--semi-space-growth-factor=1",
    v8Majors: [12, 14],
  },
  {
    // Count Buffer memory against the heap's overall limit instead of a separate small one that
    // starts a full collection after every few dozen MiB of Buffers. An SFTP upload allocates
    // three times its size in packets. Measured on 512 MiB uploads to a local sshd: half the
    // full collections, a third less CPU time, 15% more throughput; the peak resident size in
    // apps/cli/src/memory.test.ts did not change. Not in V8 12 (Node 22 and 23).
    flag: "--external-memory-accounted-in-global-limit",
    v8Majors: [13, 14],
  },
  {
    // Let the heap grow by at most half between full collections. V8 otherwise picks up to four
    // times the live size once start-up is over, and cairn's live heap is small (15 to 25 MiB)
    // while what it leaves behind per entry is not: a drill of 100,000 files grew the heap from
    // 13 to 50 MiB before its first full collection, and peaked at 132 MiB resident; with this,
    // 105. A backup of 100,000 small files went from 130-149 to 119 MiB, no slower: a full
    // collection of so small a heap takes a few milliseconds, mostly on another thread. A
    // quarter gave no lower peaks, for plain or encrypted backups.
    flag: "--heap-growing-percent=50",
    v8Majors: [12, 14],
  },
] as const;

/** The flags to set on V8 `version` (as in `process.versions.v8`). */
export function v8FlagsFor(version: string): string[] {
  const major = Number.parseInt(version, 10);
  return V8_SETTINGS.filter(({ v8Majors: [from, to] }) => major >= from && major <= to).map(
    ({ flag }) => flag,
  );
}

/** Sets the flags this V8 knows; call before anything that allocates much is loaded. */
export function applyV8Flags(): void {
  for (const flag of v8FlagsFor(process.versions.v8)) setFlagsFromString(flag);
}

let collect: (() => void) | undefined;

/**
 * One full garbage collection, now. Loading an encrypted job's keys leaves garbage that raises
 * V8's next collection limit, and with Buffer memory counted in that limit (above) dead Buffers
 * then pile up longer during the backup: on apps/cli/src/memory.test.ts's tree, five runs each,
 * 115 to 121 MiB peak with this collection, 115 to 131 without (and +30 to 60 MiB when the age
 * library was loaded for every encrypted backup). Collecting once after loading them gives the
 * limit back.
 */
export function collectGarbage(): void {
  if (!collect) {
    setFlagsFromString("--expose-gc");
    collect = runInNewContext("gc") as () => void;
  }
  collect();
}
