import { listBackups } from "../catalog/list-backups.js";
import type { CairnConfig, ConfiguredJob } from "../config/load.js";
import type { Logger } from "../contracts/context.js";
import { type DrillStatus, drillStatus } from "../drill/drill-status.js";
import { closeQuietly, openDestination } from "../pipeline/open-destinations.js";
import { type ErrorSummary, summarizeError } from "../pipeline/outcome.js";
import { confirmedUnchangedAt } from "./confirmed-unchanged.js";
import { readRunRecord } from "./run-record.js";
import { longestInterval } from "./schedule.js";

export interface DestinationStatus {
  destination: string;
  /** The newest complete backup there, if any. */
  newest?: { id: string; createdAt: string; ageMs: number; size: number };
  /** When this machine's last run found the source as `newest` holds it (`skipUnchanged`). */
  unchangedAt?: string;
  backups: number;
  totalBytes: number;
  incomplete: number;
  stale: boolean;
  /** The destination could not be read. */
  error?: ErrorSummary;
}

export interface JobStatus {
  job: string;
  /** How old the newest backup may be before the job counts as stale; undefined: never stale. */
  staleAfterMs: number | undefined;
  destinations: DestinationStatus[];
  lastRun?: { status: string; finishedAt: string };
  lastFailure?: { finishedAt: string; errors: string[] };
  /** The job's restore drills, when it has a drill schedule or this machine has drilled it. */
  drill?: DrillStatus;
  /** A destination's newest backup is too old, or (with a drill schedule) no drill succeeded recently. */
  stale: boolean;
}

/**
 * A job's state at each destination, read from the manifests there (so it works from any
 * machine), plus what this machine remembers of its last run and last failure.
 */
export async function jobStatus(
  config: CairnConfig,
  job: ConfiguredJob,
  logger: Logger,
  now: Date,
): Promise<JobStatus> {
  const staleAfterMs =
    job.staleAfterMs ??
    (job.schedule ? (longestInterval(job.schedule, job.timeZone, now) ?? 0) * 2 || undefined : undefined);
  const record = await readRunRecord(config.stateDir, job.name);
  const destinations = await Promise.all(
    job.destinations.map(async (name): Promise<DestinationStatus> => {
      let open: Awaited<ReturnType<typeof openDestination>> | undefined;
      try {
        open = await openDestination(config, name, logger);
        const catalog = await listBackups(open.destination, job.name);
        const newest = catalog.complete[0];
        const unchangedAt = newest && confirmedUnchangedAt(record, name, newest.id);
        // Staleness is the age of what is known to be current: the backup, or the run that found it unchanged.
        const sinceCurrentMs = newest
          ? now.getTime() - Math.max(newest.time.getTime(), unchangedAt?.getTime() ?? 0)
          : undefined;
        return {
          destination: name,
          ...(newest
            ? {
                newest: {
                  id: newest.id,
                  createdAt: newest.time.toISOString(),
                  ageMs: now.getTime() - newest.time.getTime(),
                  size: newest.archive.size,
                },
              }
            : {}),
          ...(unchangedAt ? { unchangedAt: unchangedAt.toISOString() } : {}),
          backups: catalog.complete.length,
          totalBytes: catalog.complete.reduce((sum, b) => sum + b.archive.size, 0),
          incomplete: catalog.incomplete.length,
          stale:
            staleAfterMs !== undefined && (sinceCurrentMs === undefined || sinceCurrentMs > staleAfterMs),
        };
      } catch (error) {
        return {
          destination: name,
          backups: 0,
          totalBytes: 0,
          incomplete: 0,
          stale: staleAfterMs !== undefined,
          error: summarizeError(error, config.secrets),
        };
      } finally {
        if (open) await closeQuietly(open, logger);
      }
    }),
  );
  const failure = record.lastFailure;
  const drill = await drillStatus(config, job, now);
  return {
    job: job.name,
    staleAfterMs,
    destinations,
    ...(record.lastRun
      ? { lastRun: { status: record.lastRun.status, finishedAt: record.lastRun.finishedAt } }
      : {}),
    ...(failure
      ? {
          lastFailure: {
            finishedAt: failure.finishedAt,
            errors: failure.backups.flatMap((b) => [
              ...(b.error ? [b.error.message] : []),
              ...b.destinations.filter((d) => d.error).map((d) => `${d.name}: ${d.error!.message}`),
            ]),
          },
        }
      : {}),
    ...(drill ? { drill } : {}),
    stale: destinations.some((d) => d.stale) || drill?.stale === true,
  };
}
