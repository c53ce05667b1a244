import type { CompleteBackup } from "../catalog/list-backups.js";
import type { Archiver } from "../contracts/archiver.js";
import type { RunContext } from "../contracts/context.js";
import type { Destination } from "../contracts/destination.js";
import { checkEntries } from "../entry-index/check-entries.js";
import { type ErrorSummary, summarizeError } from "./outcome.js";
import { readBackupArchive } from "./read-archive.js";

export interface VerifyResult {
  id: string;
  ok: boolean;
  entries: number;
  size: number;
  /** Whether every entry was checked against the backup's per-entry index (backups made before it have none). */
  indexed: boolean;
  /** What differs from the index, the first few (the error's message counts them all). */
  problems?: string[];
  error?: ErrorSummary;
}

/**
 * Re-reads a backup from where it is stored: its SHA-256, its entry count, and every entry
 * decompressed and, where the backup has an index, checked against its recorded SHA-256.
 */
export async function verifyBackup(
  destination: Destination,
  backup: CompleteBackup,
  archiver: Archiver,
  ctx: RunContext,
): Promise<VerifyResult> {
  const indexed = backup.manifest.index !== undefined;
  const failure = (entries: number, size: number, message: string, problems?: string[]): VerifyResult => ({
    id: backup.id,
    ok: false,
    entries,
    size,
    indexed,
    ...(problems ? { problems } : {}),
    error: { code: "VERIFY_FAILED", message },
  });
  let entries = 0;
  try {
    const reading = await readBackupArchive(destination, backup, archiver, ctx);
    const read = await checkEntries(reading.entries, backup.manifest, backup.id);
    entries = read.entries;
    const { size } = await reading.checked();
    if (entries !== backup.manifest.entries) {
      return failure(
        entries,
        size,
        `archive holds ${entries} entries, its manifest says ${backup.manifest.entries}`,
      );
    }
    if (indexed && !read.indexFound)
      return failure(entries, size, "the archive lacks the entry index its manifest records");
    const problems = read.index?.problems;
    if (problems && problems.count > 0) {
      return failure(
        entries,
        size,
        `${problems.count === 1 ? "1 entry differs" : `${problems.count} entries differ`} from the backup's index: ${problems.summary()}`,
        problems.shown,
      );
    }
    return { id: backup.id, ok: true, entries, size, indexed };
  } catch (error) {
    return {
      id: backup.id,
      ok: false,
      entries,
      size: backup.archive.size,
      indexed,
      error: summarizeError(error),
    };
  }
}
