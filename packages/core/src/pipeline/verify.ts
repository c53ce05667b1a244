import type { CompleteBackup } from "../catalog/list-backups.js";
import type { Archiver } from "../contracts/archiver.js";
import type { RunContext } from "../contracts/context.js";
import type { Destination } from "../contracts/destination.js";
import { type ErrorSummary, summarizeError } from "./outcome.js";
import { readBackupArchive } from "./read-archive.js";

export interface VerifyResult {
  id: string;
  ok: boolean;
  entries: number;
  size: number;
  error?: ErrorSummary;
}

/** Re-reads a backup from where it is stored: its SHA-256, its entry count, and every entry decompressed. */
export async function verifyBackup(
  destination: Destination,
  backup: CompleteBackup,
  archiver: Archiver,
  ctx: RunContext,
): Promise<VerifyResult> {
  let entries = 0;
  try {
    const reading = await readBackupArchive(destination, backup, archiver, ctx);
    for await (const entry of reading.entries) {
      entries += 1;
      if (entry.content) for await (const _chunk of entry.content);
    }
    const { size } = await reading.checked();
    if (entries !== backup.manifest.entries) {
      return {
        id: backup.id,
        ok: false,
        entries,
        size,
        error: {
          code: "VERIFY_FAILED",
          message: `archive holds ${entries} entries, its manifest says ${backup.manifest.entries}`,
        },
      };
    }
    return { id: backup.id, ok: true, entries, size };
  } catch (error) {
    return { id: backup.id, ok: false, entries, size: backup.archive.size, error: summarizeError(error) };
  }
}
