import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { CompleteBackup } from "../catalog/list-backups.js";
import type { Archiver } from "../contracts/archiver.js";
import type { RunContext } from "../contracts/context.js";
import type { Destination } from "../contracts/destination.js";
import type { Source } from "../contracts/source.js";
import type { DecryptionKeys } from "../encryption/open-stored.js";
import { ProblemList } from "../entry-index/differences.js";
import type { IndexLine } from "../entry-index/format.js";
import { LineFile } from "../entry-index/line-file.js";
import { restoreBackup } from "../pipeline/restore.js";
import { compareWithLive } from "./compare-live.js";
import type { DrillCheck } from "./drill-check.js";
import { removeTree } from "./remove-tree.js";
import { checkRestoredTree } from "./restored-tree.js";
import { type RandomInt, samplePositions } from "./sample.js";
import { checkRoom } from "./sandbox-room.js";
import { checkWithSource } from "./source-check.js";

export interface DrillBackupOptions {
  /** Restore this many files chosen at random instead of everything. */
  sample?: number;
  /** The folder the sandbox is made in; the system's temp folder by default. */
  sandboxParent?: string;
  /** The job's source, for its own check of what was restored and for `compare`. */
  source?: Source;
  /** Also compare the restored files with the live source (informational). */
  compare?: boolean;
  decryption?: DecryptionKeys;
  random?: RandomInt;
}

/**
 * Restores a backup (or a random sample of its files) into a private sandbox, reads every
 * restored file back from the disk and checks it against the backup's per-entry index, lets
 * the source check what it made (a database's own tools), optionally compares with the live
 * source, and removes the sandbox whatever happened. Problems are returned, not thrown; a
 * restore that cannot finish (a damaged archive, a missing key) throws.
 */
export async function drillBackup(
  destination: Destination,
  backup: CompleteBackup,
  archiver: Archiver,
  options: DrillBackupOptions,
  ctx: RunContext,
): Promise<DrillCheck> {
  const { manifest } = backup;
  const recorded = manifest.index;
  const parent = resolve(options.sandboxParent ?? tmpdir());
  await mkdir(parent, { recursive: true });
  // A folder of its own inside the parent: the drill never removes anything it did not make.
  const work = await mkdtemp(join(parent, "cairn-drill-"));
  let list: LineFile | undefined;
  try {
    const sandbox = join(work, "restored");
    // A zip is also read from a copy of itself in the sandbox (the restore spools it there).
    const spooled = manifest.archive.format === "zip" ? manifest.archive.size : 0;
    if (options.sample === undefined) await checkRoom(work, manifest.sourceBytes + spooled);
    // Files are sampled when the manifest counts them; older backups by entry.
    const population = recorded ? recorded.files : manifest.entries;
    const chosen =
      options.sample === undefined ? undefined : samplePositions(population, options.sample, options.random);
    const takes = (type: string, counter: { n: number }) => {
      if (!chosen) return true;
      if (recorded && type !== "file") return false;
      return chosen.has(counter.n++);
    };

    // What the restore wrote, in order, for the source's own check.
    const restoredList = await LineFile.create("restored", work);
    list = restoredList;
    const archived = { n: 0 };
    const indexFile = join(work, "index.jsonl");
    const indexHash = createHash("sha256");
    let indexSize = 0;
    let indexFound = false;
    const started = performance.now();
    const restored = await restoreBackup(
      destination,
      backup,
      archiver,
      {
        target: sandbox,
        overwrite: false,
        ...(options.decryption ? { decryption: options.decryption } : {}),
        async select(entry) {
          const take = takes(entry.type, archived);
          if (take) await restoredList.append(`${JSON.stringify({ path: entry.path, type: entry.type })}\n`);
          return take;
        },
        async onIndex(content) {
          indexFound = true;
          const hashing = new Transform({
            transform(chunk: Buffer, _encoding, done) {
              indexHash.update(chunk);
              indexSize += chunk.length;
              done(null, chunk);
            },
          });
          await pipeline(content, hashing, createWriteStream(indexFile, { mode: 0o600 }));
        },
      },
      ctx,
    );
    const durationMs = performance.now() - started;
    await restoredList.close();

    const problems = new ProblemList();
    let checked = 0;
    const expected = chosen ? chosen.size : manifest.entries;
    if (restored.entries !== expected) {
      problems.add(`${restored.entries} entries were restored, the backup should have given ${expected}`);
    }
    if (recorded && !indexFound) problems.add("the archive lacks the entry index its manifest records");
    if (recorded && indexFound) {
      if (indexSize !== recorded.size || indexHash.digest("hex") !== recorded.sha256) {
        problems.add("the entry index does not match the one the manifest records");
      } else {
        const indexed = { n: 0 };
        checked = await checkRestoredTree(
          sandbox,
          createReadStream(indexFile),
          (line: IndexLine) => takes(line.type, indexed),
          backup.id,
          problems,
        );
      }
    }

    const sourceChecks = await checkWithSource(options.source, sandbox, restoredList, ctx);
    // Last: the comparison empties the sandbox as it goes.
    const changes =
      options.compare && options.source
        ? await compareWithLive(options.source, sandbox, chosen !== undefined, ctx)
        : undefined;
    return {
      indexed: recorded !== undefined,
      restored: {
        entries: restored.entries,
        bytes: restored.bytes,
        archiveBytes: backup.archive.size,
        durationMs,
      },
      checked,
      problems: problems.shown,
      problemCount: problems.count,
      sourceChecks,
      ...(changes ? { changes } : {}),
    };
  } finally {
    await list?.dispose();
    await removeTree(work);
  }
}
