import { listBackups } from "../catalog/list-backups.js";
import type { CairnConfig, ConfiguredJob } from "../config/load.js";
import type { Logger } from "../contracts/context.js";
import { type DrillStatus, drillStatus } from "../drill/drill-status.js";
import { closeQuietly, openDestination } from "../pipeline/open-destinations.js";
import { type ErrorSummary, summarizeError } from "../pipeline/outcome.js";
import { readRunRecord } from "./run-record.js";
import { longestInterval } from "./schedule.js";

export interface DestinationStatus {
  destination: string;
  /** The newest complete backup there, if any. */
  newest?: { id: string; createdAt: string; ageMs: number; size: number };
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
  const destinations = await Promise.all(
    job.destinations.map(async (name): Promise<DestinationStatus> => {
      let open: Awaited<ReturnType<typeof openDestination>> | undefined;
      try {
        open = await openDestination(config, name, logger);
        const catalog = await listBackups(open.destination, job.name);
        const newest = catalog.complete[0];
        const ageMs = newest ? now.getTime() - newest.time.getTime() : undefined;
        return {
          destination: name,
          ...(newest
            ? {
                newest: {
                  id: newest.id,
                  createdAt: newest.time.toISOString(),
                  ageMs: ageMs!,
                  size: newest.archive.size,
                },
              }
            : {}),
          backups: catalog.complete.length,
          totalBytes: catalog.complete.reduce((sum, b) => sum + b.archive.size, 0),
          incomplete: catalog.incomplete.length,
          stale: staleAfterMs !== undefined && (ageMs === undefined || ageMs > staleAfterMs),
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
  const record = await readRunRecord(config.stateDir, job.name);
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
