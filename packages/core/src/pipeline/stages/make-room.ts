import { freeSpaceOf } from "../../capabilities.js";
import { listBackups } from "../../catalog/list-backups.js";
import type { ConfiguredJob } from "../../config/load.js";
import type { Logger } from "../../contracts/context.js";
import type { Destination } from "../../contracts/destination.js";
import { takeJobLease } from "../../lease/take-job-lease.js";
import { canLease } from "../../lease/take-lease.js";
import { formatBytes, inGroup, parseSize, planRetention, retentionGroup } from "../../retention/index.js";
import type { OpenDestination } from "../open-destinations.js";
import type { JobRun, Stage } from "./stage.js";

/** Frees space for the coming upload at each destination that can tell its free space. */
export const makeRoom: Stage = async (run, next) => {
  for (const open of run.destinations) {
    await makeRoomAt(open, run).catch((error: unknown) =>
      run.logger.warn(`could not make room at ${open.name} before the upload: ${(error as Error).message}`),
    );
  }
  await next();
};

/**
 * Making room deletes backups, so it is a prune: where the destination can hold the job's lease,
 * it happens under it (the one this run already holds, or one taken for it), and the catalog is
 * read again under the lease. Without the lease nothing is removed: a run that cannot get it
 * fails its upload cleanly rather than racing another host's prune.
 */
async function makeRoomAt(open: OpenDestination, run: JobRun): Promise<void> {
  const { job, logger, config } = run;
  const destination = open.destination;
  const room = () => makeRoomBeforeUpload(destination, job, run.now(), logger, config.host);
  if (!canLease(destination) || run.leases.has(open.name)) {
    await room();
    return;
  }
  // Most runs have room: only take the lease when something would be removed.
  if (!(await lacksRoom(destination, job, config.host))) return;
  const held = await takeJobLease(open, config, job, { logger, signal: run.ctx.signal });
  try {
    await room();
  } finally {
    await held.release();
  }
}

/** Whether the job's previous backup in this host's group would not fit at the destination now. */
async function lacksRoom(destination: Destination, job: ConfiguredJob, host: string): Promise<boolean> {
  if (!job.retention || !destination.freeSpace) return false;
  const group = retentionGroup(job.name, job.retention.groupBy, host);
  const previous = (await listBackups(destination, job.name)).complete.find((b) =>
    inGroup(b.manifest, group),
  );
  if (!previous) return false;
  const free = await freeSpaceOf(destination);
  return free !== undefined && free < previous.archive.size + reserveOf(job);
}

function reserveOf(job: ConfiguredJob): number {
  return job.retention?.minFreeSpace === undefined ? 0 : parseSize(job.retention.minFreeSpace);
}

/**
 * Before uploading to a destination that can tell its free space: if the job's previous backup
 * there would not fit, removes (oldest first) what the job's policy removes from the backups that
 * exist now. It never removes a backup that the new one would push out of the policy: this upload
 * may still fail, and then the user would be left with fewer backups than the policy keeps. So a
 * destination sized for exactly as many backups as the policy keeps runs out of room; the upload
 * then fails cleanly and every kept backup is still there (docs/retention.md, "Making room").
 */
export async function makeRoomBeforeUpload(
  destination: Destination,
  job: ConfiguredJob,
  now: Date,
  logger: Logger,
  host: string,
): Promise<string[]> {
  if (!job.retention || !destination.freeSpace) return [];
  const group = retentionGroup(job.name, job.retention.groupBy, host);
  const listed = await listBackups(destination, job.name);
  // Room is only ever made in this host's group: another host's backups are not ours to drop.
  const catalog = { ...listed, complete: listed.complete.filter((b) => inGroup(b.manifest, group)) };
  const previous = catalog.complete[0];
  if (!previous) return [];
  const needed = previous.archive.size + reserveOf(job);
  // A server without the means (SFTP without statvfs) cannot tell: no room is made there.
  const reported = await freeSpaceOf(destination);
  if (reported === undefined) return [];
  let free = reported;
  if (free >= needed) return [];

  const plan = planRetention(
    catalog.complete.map((b) => ({ id: b.id, time: b.time, size: b.archive.size, tags: b.manifest.tags })),
    job.retention,
    { now, timeZone: job.timeZone },
  );
  const removable = new Set(plan.remove.map((r) => r.id));
  const removed: string[] = [];
  // Oldest first, and never the newest complete backup, whatever the plan says.
  for (const backup of [...catalog.complete.slice(1)].reverse()) {
    if (free >= needed) break;
    if (!removable.has(backup.id)) continue;
    await destination.delete(backup.manifestKey);
    await destination.delete(backup.archive.key);
    free += backup.archive.size;
    removed.push(backup.id);
  }
  if (removed.length > 0) {
    logger.info(
      `made room before the upload: removed ${removed.join(", ")}, which the retention policy removes`,
    );
  }
  if (free < needed) {
    logger.warn(
      `only ${formatBytes(free)} free, the previous backup took ${formatBytes(previous.archive.size)}; the upload may not fit, and no backup the policy keeps is removed to make room`,
    );
  }
  return removed;
}
