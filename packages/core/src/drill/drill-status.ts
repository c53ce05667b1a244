import type { CairnConfig, ConfiguredJob } from "../config/load.js";
import { longestInterval } from "../status/schedule.js";
import type { DrillResult } from "./drill-result.js";
import { readDrillRecord } from "./record.js";

/** A job's drills as `cairn status` shows them. */
export interface DrillStatus {
  /** The drill's schedule, when the job has one. */
  schedule?: string;
  /** How long ago the last successful drill may be; undefined: never stale (no drill schedule). */
  staleAfterMs: number | undefined;
  last?: DrillSummary;
  lastSuccess?: DrillSummary & { ageMs: number };
  stale: boolean;
}

export type DrillSummary = Pick<
  DrillResult,
  "status" | "finishedAt" | "id" | "destination" | "sample" | "error"
> & {
  durationMs?: number;
  bytesPerSecond?: number;
};

/**
 * What this machine remembers of a job's drills. A job with a drill schedule is stale when no
 * drill succeeded within its `staleAfter` (twice the schedule's longest gap, as for backups);
 * undefined for a job that has neither a schedule nor a drill on record.
 */
export async function drillStatus(
  config: CairnConfig,
  job: ConfiguredJob,
  now: Date,
): Promise<DrillStatus | undefined> {
  const record = await readDrillRecord(config.stateDir, job.name);
  if (!job.drill && !record.lastDrill) return undefined;
  const staleAfterMs = job.drill
    ? (job.drill.staleAfterMs ??
      ((longestInterval(job.drill.schedule, job.timeZone, now) ?? 0) * 2 || undefined))
    : undefined;
  const success = record.lastSuccess;
  const ageMs = success ? now.getTime() - Date.parse(success.finishedAt) : undefined;
  return {
    ...(job.drill ? { schedule: job.drill.schedule } : {}),
    staleAfterMs,
    ...(record.lastDrill ? { last: summary(record.lastDrill) } : {}),
    ...(success ? { lastSuccess: { ...summary(success), ageMs: ageMs! } } : {}),
    stale: staleAfterMs !== undefined && (ageMs === undefined || ageMs > staleAfterMs),
  };
}

function summary(result: DrillResult): DrillSummary {
  return {
    status: result.status,
    finishedAt: result.finishedAt,
    ...(result.id ? { id: result.id } : {}),
    ...(result.destination ? { destination: result.destination } : {}),
    ...(result.sample === undefined ? {} : { sample: result.sample }),
    ...(result.restored
      ? { durationMs: result.restored.durationMs, bytesPerSecond: result.restored.bytesPerSecond }
      : {}),
    ...(result.error ? { error: result.error } : {}),
  };
}
