import { CairnError } from "../errors.js";
import type { BackupResult } from "./results.js";
import { openDestinations } from "./stages/destinations.js";
import { failuresAsResults } from "./stages/failures.js";
import { afterHooks, beforeHook } from "./stages/hooks.js";
import { holdJobLock } from "./stages/job-lock.js";
import { leaseForEntries } from "./stages/lease.js";
import { makeRoom } from "./stages/make-room.js";
import { planUploads } from "./stages/plan.js";
import { report } from "./stages/report.js";
import { retainWhereUploaded } from "./stages/retention.js";
import { skipUnchanged } from "./stages/skip-unchanged.js";
import { openSource } from "./stages/source.js";
import { type BackupRunOptions, type JobRun, runStages, type Stage } from "./stages/stage.js";
import { uploadPlanned } from "./stages/upload.js";

export type { BackupProgress, BackupResult, DestinationResult } from "./results.js";
export type { BackupRunOptions, JobRun, PlannedUpload, Stage } from "./stages/stage.js";

/**
 * A run of a job, outermost first. Each stage has one job (stages/), and a new concern is a new
 * stage here, not a new branch inside another one.
 */
export const JOB_STAGES: readonly Stage[] = [
  report,
  holdJobLock,
  afterHooks,
  failuresAsResults,
  beforeHook,
  openSource,
  openDestinations,
  leaseForEntries,
  makeRoom,
  planUploads,
  skipUnchanged,
  uploadPlanned,
  retainWhereUploaded,
];

/**
 * Runs a job once: lock, `before` hook, source → archiver → every destination, manifests, then
 * retention at each destination where this run's uploads succeeded, then the `after` hooks.
 * A job that makes one backup per entry yields one result per new entry (none when nothing is new).
 */
export async function runJob(options: BackupRunOptions): Promise<BackupResult[]> {
  const now = options.now ?? (() => new Date());
  const abort = new AbortController();
  const onAbort = () => abort.abort(new CairnError("ABORTED", "the backup was interrupted"));
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const run: JobRun = {
    options,
    config: options.config,
    job: options.job,
    logger: options.logger,
    ctx: { signal: abort.signal, logger: options.logger },
    now,
    started: now(),
    destinations: [],
    unopened: [],
    plan: (async function* () {})(),
    results: [],
    leases: new Map(),
  };
  try {
    await runStages(run, JOB_STAGES);
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
  return run.results;
}

/**
 * One backup of a job that makes a single archive (the common case). A `skipUnchanged` job that
 * is unchanged at some destinations and uploads to others has two results (the existing backup
 * and the new one): use runJob for those.
 */
export async function runBackup(options: BackupRunOptions): Promise<BackupResult> {
  const results = await runJob(options);
  if (results.length !== 1)
    throw new Error(`job ${options.job.name} made ${results.length} backups; use runJob`);
  return results[0]!;
}
