import { open } from "node:fs/promises";
import { type RestoredCheck, type RestoredFiles, restoredFile } from "@cairn/core";

/** mysqldump and mariadb-dump end a whole dump with this comment (unless told to leave comments out). */
const TRAILER = /^-- Dump completed( on .*)?\s*$/m;
/** Options that leave the trailer out, so a dump made with them cannot be checked this way. */
const NO_COMMENTS = ["--skip-comments", "--compact", "--comments=0", "--comments=false"];
const CHECK = "the dump's completion trailer";

/**
 * A drill's check of a restored dump: the last lines must hold the "-- Dump completed" comment
 * the dump tool writes only once it has written everything, so a dump cut short fails.
 */
export async function checkRestoredDump(
  restored: RestoredFiles,
  entryName: string,
  args: readonly string[],
): Promise<RestoredCheck[]> {
  const file = await restoredFile(restored, entryName);
  if (!file) return [];
  const skipping = args.find((arg) => NO_COMMENTS.includes(arg));
  if (skipping) {
    return [
      {
        path: entryName,
        check: CHECK,
        status: "skipped",
        detail: `dumped with ${skipping}, which leaves the trailer out`,
      },
    ];
  }
  const tail = (await readTail(file, 4096)).toString("utf8");
  if (TRAILER.test(tail)) return [{ path: entryName, check: CHECK, status: "ok" }];
  return [
    {
      path: entryName,
      check: CHECK,
      status: "failed",
      detail: 'the dump does not end with "-- Dump completed": it was cut short',
    },
  ];
}

async function readTail(file: string, length: number): Promise<Buffer> {
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.min(length, size));
    await handle.read(buffer, 0, buffer.length, size - buffer.length);
    return buffer;
  } finally {
    await handle.close();
  }
}
