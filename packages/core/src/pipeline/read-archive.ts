import { createHash } from "node:crypto";
import { PassThrough, type Readable } from "node:stream";
import type { CompleteBackup } from "../catalog/list-backups.js";
import type { ArchivedEntry, Archiver } from "../contracts/archiver.js";
import type { RunContext } from "../contracts/context.js";
import type { Destination } from "../contracts/destination.js";
import { CairnError } from "../errors.js";

export interface ArchiveReading {
  entries: AsyncIterable<ArchivedEntry>;
  /** Resolves once the archive has been read to its end; rejects if its bytes are not the backed-up ones. */
  checked(): Promise<{ size: number; sha256: string }>;
}

/** Reads a backup's archive from its destination, hashing it on the way so a bad copy is caught. */
export async function readBackupArchive(
  destination: Destination,
  backup: CompleteBackup,
  archiver: Archiver,
  ctx: RunContext,
): Promise<ArchiveReading> {
  const body = await destination.get(backup.archive.key, { signal: ctx.signal });
  const hash = createHash("sha256");
  let size = 0;
  const hashed = new PassThrough({ highWaterMark: 1024 * 1024 });
  body.on("error", (error) => hashed.destroy(error));
  body.on("data", (chunk: Buffer) => {
    hash.update(chunk);
    size += chunk.length;
  });
  body.pipe(hashed);
  const ended = new Promise<void>((resolve, reject) => {
    body.once("end", resolve);
    body.once("error", reject);
  });
  return {
    entries: archiver.read(hashed as Readable, ctx),
    async checked() {
      // A reader may stop at the archive's end marker; the bytes after it count for the hash too.
      if (!body.readableEnded) {
        body.unpipe(hashed);
        body.resume();
      }
      await ended;
      const sha256 = hash.digest("hex");
      const expected = backup.manifest.archive;
      if (size !== expected.size || sha256 !== expected.sha256) {
        throw new CairnError(
          "VERIFY_FAILED",
          `archive ${backup.archive.key} does not match its manifest (${size} bytes, sha256 ${sha256.slice(0, 12)}…; expected ${expected.size} bytes, ${expected.sha256.slice(0, 12)}…)`,
          { hint: "this copy is damaged; restore from another destination or an older backup" },
        );
      }
      return { size, sha256 };
    },
  };
}
