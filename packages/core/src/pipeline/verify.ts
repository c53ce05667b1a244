import type { CompleteBackup } from "../catalog/list-backups.js";
import type { Archiver } from "../contracts/archiver.js";
import type { RunContext } from "../contracts/context.js";
import type { Destination } from "../contracts/destination.js";
import { type DecryptionKeys, isEncrypted } from "../encryption/open-stored.js";
import { checkEntries } from "../entry-index/check-entries.js";
import { type ErrorSummary, summarizeError } from "./outcome.js";
import { readBackupArchive } from "./read-archive.js";
import { checkStoredObject } from "./stored-object.js";

export interface VerifyResult {
  id: string;
  ok: boolean;
  entries: number;
  size: number;
  /** Whether every entry was checked against the backup's per-entry index (backups made before it have none). */
  indexed: boolean;
  /** What differs from the index, the first few (the error's message counts them all). */
  problems?: string[];
  /** False for an encrypted backup checked without its key: its stored SHA-256 and size only. */
  contentsChecked: boolean;
  error?: ErrorSummary;
}

/**
 * Re-reads a backup from where it is stored: its SHA-256, its entry count, and every entry
 * decrypted and decompressed and, where the backup has an index, checked against its recorded
 * SHA-256. An encrypted backup given no key at all is checked as stored (SHA-256 and size),
 * which needs no secret on the machine that checks.
 */
export async function verifyBackup(
  destination: Destination,
  backup: CompleteBackup,
  archiver: Archiver,
  ctx: RunContext,
  keys?: DecryptionKeys,
): Promise<VerifyResult> {
  const indexed = backup.manifest.index !== undefined;
  const failure = (entries: number, size: number, message: string, problems?: string[]): VerifyResult => ({
    id: backup.id,
    ok: false,
    entries,
    size,
    indexed,
    contentsChecked: true,
    ...(problems ? { problems } : {}),
    error: { code: "VERIFY_FAILED", message },
  });
  let entries = 0;
  const noKeys = !keys || keys.identities.length + keys.passphrases.length === 0;
  try {
    if (isEncrypted(backup.manifest) && noKeys) {
      const { size } = await checkStoredObject(destination, backup, ctx);
      return {
        id: backup.id,
        ok: true,
        entries: backup.manifest.entries,
        size,
        indexed: false,
        contentsChecked: false,
      };
    }
    const reading = await readBackupArchive(destination, backup, archiver, ctx, keys);
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
    return { id: backup.id, ok: true, entries, size, indexed, contentsChecked: true };
  } catch (error) {
    return {
      id: backup.id,
      ok: false,
      entries,
      size: backup.archive.size,
      indexed,
      contentsChecked: false,
      error: summarizeError(error),
    };
  }
}
