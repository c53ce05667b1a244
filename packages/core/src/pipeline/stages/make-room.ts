import { freeSpaceOf } from "../../capabilities.js";
import { listBackups } from "../../catalog/list-backups.js";
import type { ConfiguredJob } from "../../config/load.js";
import type { Logger } from "../../contracts/context.js";
import type { Destination } from "../../contracts/destination.js";
import { formatBytes, inGroup, parseSize, planRetention, retentionGroup } from "../../retention/index.js";
import type { Stage } from "./stage.js";

/** Frees space for the coming upload at each destination that can tell its free space. */
export const makeRoom: Stage = async (run, next) => {
  for (const open of run.destinations) {
    await makeRoomBeforeUpload(open.destination, run.job, run.now(), run.logger, run.config.host).catch(
      (error: unknown) =>
        run.logger.warn(`could not make room at ${open.name} before the upload: ${(error as Error).message}`),
    );
  }
  await next();
};

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
  const reserve = job.retention.minFreeSpace === undefined ? 0 : parseSize(job.retention.minFreeSpace);
  const needed = previous.archive.size + reserve;
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
