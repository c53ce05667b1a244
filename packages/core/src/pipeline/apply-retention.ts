import { type BackupCatalog, type IncompleteUpload, listBackups } from "../catalog/list-backups.js";
import type { Logger } from "../contracts/context.js";
import type { Destination } from "../contracts/destination.js";
import { STALE_UPLOAD_AGE_MS } from "../partial-uploads.js";
import {
  describeGroup,
  inGroup,
  parseSize,
  planRetention,
  type RetentionGroup,
  type RetentionPolicy,
} from "../retention/index.js";
import { deletePlanned } from "./delete-planned.js";
import { makeFreeSpace } from "./make-free-space.js";
import type { ErrorSummary } from "./outcome.js";

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
 * Plans a job's retention at one destination (the policy, then `minFreeSpace`) and, unless it is
 * a dry run, carries the plan out.
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
  await deletePlanned(destination, run, byId, options);
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
