import { summarizeError } from "../outcome.js";
import type { BackupResult, DestinationResult } from "../results.js";
import type { JobRun } from "./stage.js";

/** The result of a run that made no backup, with what is known of each destination. */
export function failedResult(
  run: JobRun,
  error: unknown,
  destinations: DestinationResult[] = run.unopened,
): BackupResult {
  return {
    job: run.job.name,
    id: "",
    status: "failed",
    startedAt: run.started.toISOString(),
    finishedAt: run.now().toISOString(),
    destinations: [...destinations],
    error: summarizeError(error, run.config.secrets),
  };
}
