import { createHash } from "node:crypto";
import { PassThrough } from "node:stream";
import type { CompleteBackup } from "../catalog/list-backups.js";
import type { ArchivedEntry, Archiver } from "../contracts/archiver.js";
import type { RunContext } from "../contracts/context.js";
import type { Destination } from "../contracts/destination.js";
import { type DecryptionKeys, openStoredArchive } from "../encryption/open-stored.js";
import { matchManifest } from "./stored-object.js";

export interface ArchiveReading {
  entries: AsyncIterable<ArchivedEntry>;
  /** Resolves once the archive has been read to its end; rejects if its bytes are not the backed-up ones. */
  checked(): Promise<{ size: number; sha256: string }>;
}

/**
 * Reads a backup's archive from its destination, hashing the stored bytes on the way so a bad
 * copy is caught, and decrypting them first when the backup is encrypted.
 */
export async function readBackupArchive(
  destination: Destination,
  backup: CompleteBackup,
  archiver: Archiver,
  ctx: RunContext,
  keys?: DecryptionKeys,
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
  // A reader that stops early (an interrupted restore) never awaits checked(): the error reaches
  // it through the entries; unhandled here, it would crash the process.
  ended.catch(() => undefined);
  const opened = await openStoredArchive(hashed, backup.manifest, keys).catch((error: unknown) => {
    body.destroy();
    throw error;
  });
  return {
    entries: archiver.read(opened.plain, ctx),
    async checked() {
      await opened.drained();
      // A reader may stop at the archive's end marker; the bytes after it count for the hash too.
      if (!body.readableEnded) {
        body.unpipe(hashed);
        body.resume();
      }
      await ended;
      const sha256 = hash.digest("hex");
      matchManifest(backup, size, sha256);
      return { size, sha256 };
    },
  };
}
