import { freeSpaceOf } from "../capabilities.js";
import { type BackupCatalog, type IncompleteUpload, listBackups } from "../catalog/list-backups.js";
import type { Logger } from "../contracts/context.js";
import type { Destination } from "../contracts/destination.js";
import { STALE_UPLOAD_AGE_MS } from "../partial-uploads.js";
import {
  describeGroup,
  formatBytes,
  inGroup,
  parseSize,
  planRetention,
  type RetentionGroup,
  type RetentionPolicy,
} from "../retention/index.js";
import { type ErrorSummary, summarizeError } from "./outcome.js";

export interface PlannedBackup {
  id: string;
  time: Date;
  size: number;
  reasons: string[];
}

export interface RetentionRun {
  keep: PlannedBackup[];
  remove: PlannedBackup[];
  /** Incomplete uploads old enough to be removed. */
  staleIncomplete: IncompleteUpload[];
  notes: string[];
  /** What was actually deleted (empty on a dry run). */
  removed: string[];
  bytesFreed: number;
  errors: ErrorSummary[];
}

export interface RetentionOptions {
  now: Date;
  timeZone: string;
  dryRun: boolean;
  logger: Logger;
  catalog?: BackupCatalog;
  /** Backup ids never to remove: the ones this run just wrote (their clock may be behind another's). */
  protect?: readonly string[];
  /** Stops deleting when it aborts: the lease that makes this prune the only one was lost. */
  signal?: AbortSignal;
  /** Whose backups this plan weighs; every backup of the job when absent. */
  group?: RetentionGroup;
}

/**
 * Plans and applies a job's retention at one destination. A backup is deleted manifest first,
 * so that it stops counting as a backup before its archive goes.
 */
export async function applyRetention(
  destination: Destination,
  job: string,
  policy: RetentionPolicy | undefined,
  options: RetentionOptions,
): Promise<RetentionRun> {
  const listed = options.catalog ?? (await listBackups(destination, job));
  const group = options.group;
  const catalog = group
    ? { ...listed, complete: listed.complete.filter((b) => inGroup(b.manifest, group)) }
    : listed;
  const byId = new Map(catalog.complete.map((b) => [b.id, b]));
  const plan = planRetention(
    catalog.complete.map((b) => ({ id: b.id, time: b.time, size: b.archive.size, tags: b.manifest.tags })),
    policy ?? {},
    { now: options.now, timeZone: options.timeZone, protect: options.protect ?? [] },
  );
  const toPlanned = (item: { id: string; reasons: string[] }): PlannedBackup => {
    const backup = byId.get(item.id)!;
    return { id: item.id, time: backup.time, size: backup.archive.size, reasons: item.reasons };
  };
  const run: RetentionRun = {
    keep: plan.keep.map(toPlanned),
    remove: plan.remove.map(toPlanned),
    staleIncomplete: catalog.incomplete.filter(
      (u) => options.now.getTime() - u.time.getTime() > STALE_UPLOAD_AGE_MS,
    ),
    notes: [...(plan.notes ?? []), ...otherHostsNote(listed, catalog, group)],
    removed: [],
    bytesFreed: 0,
    errors: [],
  };
  if (policy?.minFreeSpace !== undefined) {
    await makeFreeSpace(
      destination,
      run,
      parseSize(policy.minFreeSpace),
      String(policy.minFreeSpace),
      options,
    );
  }
  if ((run.remove.length > 0 || run.staleIncomplete.length > 0) && destination.deletionNotice) {
    const notice = await destination.deletionNotice().catch(() => undefined);
    if (notice) run.notes.push(notice);
  }
  if (options.dryRun) return run;
  const stopped = () => {
    if (!options.signal?.aborted) return false;
    run.errors.push(summarizeError(options.signal.reason));
    return true;
  };
  if (stopped()) return run;

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
    if (stopped()) return run;
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
    if (stopped()) return run;
    try {
      for (const key of upload.keys) await destination.delete(key);
      run.bytesFreed += upload.size;
    } catch (error) {
      run.errors.push(summarizeError(error));
    }
  }
  return run;
}

/** Says whose backups this plan leaves alone, so a host that was renamed notices its old backups. */
function otherHostsNote(
  listed: BackupCatalog,
  mine: BackupCatalog,
  group: RetentionGroup | undefined,
): string[] {
  if (!group || listed.complete.length === mine.complete.length) return [];
  const others = new Map<string, number>();
  for (const b of listed.complete) {
    if (!inGroup(b.manifest, group)) others.set(b.manifest.host, (others.get(b.manifest.host) ?? 0) + 1);
  }
  const list = [...others].map(([host, n]) => `${host} (${n})`).join(", ");
  return [
    `planned for ${describeGroup(group)} only; backups of other hosts are theirs to prune: ${list} (a renamed host: \`cairn prune --host OLD-NAME\`, or set \`host:\` in the config)`,
  ];
}

/**
 * Every manifest in one batch, then every archive: the backups stop counting before any archive
 * goes, as with one-by-one deletion. False when a batch failed; deleting one by one afterwards
 * finds out what is left (missing keys count as deleted).
 */
async function deleteInBatches(
  deleteMany: (keys: readonly string[]) => Promise<void>,
  items: readonly PlannedBackup[],
  byId: ReadonlyMap<string, BackupCatalog["complete"][number]>,
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

/**
 * `minFreeSpace`: after the policy's own removals, removes the oldest kept backups until the
 * destination would report at least `needed` bytes free. Never the newest, never a protected one.
 */
async function makeFreeSpace(
  destination: Destination,
  run: RetentionRun,
  needed: number,
  spelled: string,
  options: RetentionOptions,
): Promise<void> {
  const free = await freeSpaceOf(destination);
  if (free === undefined) {
    run.notes.push("minFreeSpace is set, but this destination cannot tell its free space");
    return;
  }
  let expected = free + run.remove.reduce((sum, b) => sum + b.size, 0);
  const protect = new Set(options.protect ?? []);
  while (expected < needed && run.keep.length > 1) {
    const index = run.keep.findLastIndex((b, i) => i > 0 && !protect.has(b.id));
    if (index < 0) break;
    const [oldest] = run.keep.splice(index, 1);
    run.remove.push({ ...oldest!, reasons: [`under minFreeSpace ${spelled}`] });
    expected += oldest!.size;
  }
  run.remove.sort((a, b) => b.time.getTime() - a.time.getTime());
  if (expected < needed) {
    run.notes.push(
      `only ${formatBytes(expected)} will be free after this prune, less than minFreeSpace ${spelled}; the newest backup is never removed`,
    );
  }
}
