import { listBackups } from "../catalog/list-backups.js";
import type { CairnConfig, ConfiguredJob } from "../config/load.js";
import { applyRetention, type RetentionOptions, type RetentionRun } from "../pipeline/apply-retention.js";
import type { OpenDestination } from "../pipeline/open-destinations.js";
import { inGroup, retentionGroup } from "../retention/index.js";
import { takeJobLease } from "./take-job-lease.js";
import { canLease, type HeldLease } from "./take-lease.js";

/**
 * Applies a job's retention at one destination as the only prune of that job there: under the
 * job's lease at the destination (the one given, or one taken for the prune). A destination
 * that cannot hold a lease prunes without one, and where other hosts share the prefix the plan
 * says that this cannot be made safe and how to set things up instead.
 */
export async function pruneUnderLease(
  open: OpenDestination,
  config: CairnConfig,
  job: ConfiguredJob,
  options: Omit<RetentionOptions, "group" | "catalog" | "signal"> & { held?: HeldLease; signal: AbortSignal },
): Promise<RetentionRun> {
  const group = retentionGroup(job.name, job.retention?.groupBy, config.host);
  const retain = (catalog: RetentionOptions["catalog"], signal?: AbortSignal) =>
    applyRetention(open.destination, job.name, job.retention, {
      ...options,
      group,
      ...(catalog ? { catalog } : {}),
      ...(signal ? { signal } : {}),
    });
  if (options.dryRun) return retain(undefined);
  if (!canLease(open.destination)) {
    const catalog = await listBackups(open.destination, job.name, options.signal);
    const shared = group.host === undefined || catalog.complete.some((b) => !inGroup(b.manifest, group));
    const run = await retain(catalog);
    if (shared) {
      const note = unleasedNote(open, job.name, group.host === undefined);
      run.notes.push(note);
      options.logger.warn(note);
    }
    return run;
  }
  const held =
    options.held ??
    (await takeJobLease(open, config, job, { logger: options.logger, signal: options.signal }));
  try {
    // Listed under the lease: a plan made before it could miss another host's last prune.
    return await retain(undefined, held.lost);
  } finally {
    if (!options.held) await held.release();
  }
}

function unleasedNote(open: OpenDestination, job: string, sharedGroup: boolean): string {
  const what = `destination ${open.name} (${open.configured.plugin.type}) cannot hold a lease (no exclusiveCreate)`;
  return sharedGroup
    ? `${what}, so with groupBy: job two hosts pruning job ${job} there at once cannot be made safe: prune from one host only, or drop groupBy: job and let each host prune its own backups`
    : `${what}; other hosts back up job ${job} there too. Each host prunes only its own backups, which is safe as long as no two machines use the same host name at once (give each its own host:, or its own path or prefix)`;
}
