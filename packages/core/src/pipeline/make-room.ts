import { listBackups } from "../catalog/list-backups.js";
import type { ConfiguredJob } from "../config/load.js";
import type { Logger } from "../contracts/context.js";
import type { Destination } from "../contracts/destination.js";
import { formatBytes, parseSize, planRetention } from "../retention/index.js";

const COMING = "\u0000the backup about to be made";

/**
 * Before uploading to a destination that can tell its free space: if the job's previous backup
 * there would not fit, remove now what the job's policy would remove once the new backup exists
 * (oldest first, and never the newest complete backup, in case this upload fails). A destination
 * that fills up mid-upload fails it cleanly anyway; this saves the wasted upload.
 */
export async function makeRoomBeforeUpload(
  destination: Destination,
  job: ConfiguredJob,
  now: Date,
  logger: Logger,
): Promise<string[]> {
  if (!job.retention || !destination.freeSpace) return [];
  const catalog = await listBackups(destination, job.name);
  const previous = catalog.complete[0];
  if (!previous) return [];
  const reserve = job.retention.minFreeSpace === undefined ? 0 : parseSize(job.retention.minFreeSpace);
  const needed = previous.archive.size + reserve;
  let free = await destination.freeSpace();
  if (free >= needed) return [];

  const plan = planRetention(
    [
      ...catalog.complete.map((b) => ({
        id: b.id,
        time: b.time,
        size: b.archive.size,
        tags: b.manifest.tags,
      })),
      { id: COMING, time: now, size: previous.archive.size, tags: job.tags },
    ],
    job.retention,
    { now: new Date(now.getTime() + 1), timeZone: job.timeZone, protect: [COMING] },
  );
  const removable = new Set(plan.remove.map((r) => r.id));
  const removed: string[] = [];
  // Oldest first; the newest complete backup stays whatever happens to this upload.
  for (const backup of [...catalog.complete.slice(1)].reverse()) {
    if (free >= needed) break;
    if (!removable.has(backup.id)) continue;
    await destination.delete(backup.manifestKey);
    await destination.delete(backup.archive.key);
    free += backup.archive.size;
    removed.push(backup.id);
  }
  if (removed.length > 0) {
    logger.info(`made room before the upload: removed ${removed.join(", ")} as the retention policy allows`);
  }
  if (free < needed) {
    logger.warn(
      `only ${formatBytes(free)} free, the previous backup took ${formatBytes(previous.archive.size)}; the upload may not fit`,
    );
  }
  return removed;
}
