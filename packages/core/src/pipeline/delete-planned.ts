import type { BackupCatalog } from "../catalog/list-backups.js";
import type { Destination } from "../contracts/destination.js";
import type { PlannedBackup, RetentionOptions, RetentionRun } from "./apply-retention.js";
import { summarizeError } from "./outcome.js";

type BackupsById = ReadonlyMap<string, BackupCatalog["complete"][number]>;

/**
 * Carries out a retention plan: the backups to remove, oldest first, then the stale incomplete
 * uploads. A backup goes manifest first, so that it stops counting as a backup before its archive
 * goes. Records what went and every failure in `run`; stops between deletions once `signal` aborts.
 */
export async function deletePlanned(
  destination: Destination,
  run: RetentionRun,
  byId: BackupsById,
  options: RetentionOptions,
): Promise<void> {
  const stopped = () => {
    if (!options.signal?.aborted) return false;
    run.errors.push(summarizeError(options.signal.reason));
    return true;
  };
  if (stopped()) return;

  const oldestFirst = [...run.remove].reverse();
  if (destination.deleteMany && oldestFirst.length > 1) {
    const removedAll = await deleteInBatches(
      destination.deleteMany.bind(destination),
      oldestFirst,
      byId,
      options,
    );
    if (removedAll) {
      for (const item of oldestFirst) {
        run.removed.push(item.id);
        run.bytesFreed += item.size;
      }
      oldestFirst.length = 0;
    }
  }
  // Oldest first: a prune cut short leaves the newest backups, not a gap in the middle.
  for (const item of oldestFirst) {
    if (stopped()) return;
    const backup = byId.get(item.id)!;
    try {
      await destination.delete(backup.manifestKey);
      await destination.delete(backup.archive.key);
      run.removed.push(item.id);
      run.bytesFreed += item.size;
      options.logger.info(`removed backup ${item.id}`, { reasons: item.reasons });
    } catch (error) {
      run.errors.push(summarizeError(error));
    }
  }
  for (const upload of run.staleIncomplete) {
    if (stopped()) return;
    try {
      for (const key of upload.keys) await destination.delete(key);
      run.bytesFreed += upload.size;
    } catch (error) {
      run.errors.push(summarizeError(error));
    }
  }
}

/**
 * Every manifest in one batch, then every archive: the backups stop counting before any archive
 * goes, as with one-by-one deletion. False when a batch failed; deleting one by one afterwards
 * finds out what is left (missing keys count as deleted).
 */
async function deleteInBatches(
  deleteMany: (keys: readonly string[]) => Promise<void>,
  items: readonly PlannedBackup[],
  byId: BackupsById,
  options: RetentionOptions,
): Promise<boolean> {
  try {
    await deleteMany(items.map((item) => byId.get(item.id)!.manifestKey));
    await deleteMany(items.map((item) => byId.get(item.id)!.archive.key));
  } catch (error) {
    options.logger.warn(`batch delete failed, deleting one by one: ${summarizeError(error).message}`);
    return false;
  }
  for (const item of items) options.logger.info(`removed backup ${item.id}`, { reasons: item.reasons });
  return true;
}
