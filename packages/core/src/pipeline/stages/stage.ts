import type { CairnConfig, ConfiguredJob } from "../../config/load.js";
import type { Logger, RunContext } from "../../contracts/context.js";
import type { Source } from "../../contracts/source.js";
import type { HeldLease } from "../../lease/take-lease.js";
import type { PluginRegistry } from "../../registry.js";
import type { OpenDestination } from "../open-destinations.js";
import type { BackupProgress, BackupResult, DestinationResult } from "../results.js";

export interface BackupRunOptions {
  config: CairnConfig;
  job: ConfiguredJob;
  registry: PluginRegistry;
  logger: Logger;
  engineVersion: string;
  signal?: AbortSignal;
  now?: () => Date;
  onProgress?: (progress: BackupProgress & { name: string }) => void;
}

/** One archive the run is to make, and the destinations that are to get it. */
export interface PlannedUpload {
  source: Source;
  /** The name in the backup id: the job's, or the entry's for one-backup-per-entry jobs. */
  name: string;
  /** For one-backup-per-entry jobs: the entry, and the newest change inside it. */
  entry?: { name: string; modified: Date };
  to: OpenDestination[];
  /** For `skipUnchanged` jobs: the source's fingerprint, recorded in the manifest. */
  fingerprint?: string;
}

/** What the stages of one run of a job share. Each stage reads what earlier stages set. */
export interface JobRun {
  readonly options: BackupRunOptions;
  readonly config: CairnConfig;
  readonly job: ConfiguredJob;
  readonly logger: Logger;
  readonly ctx: RunContext;
  readonly now: () => Date;
  readonly started: Date;
  /** Set by the source stage. */
  source?: Source;
  /** Set by the destinations stage: those that opened, and results for those that did not. */
  destinations: OpenDestination[];
  unopened: DestinationResult[];
  /** Set by the planning stage, consumed by the upload stage. */
  plan: AsyncIterable<PlannedUpload>;
  results: BackupResult[];
  /** Leases held for the whole run, by destination name (`each: entry` jobs: see stages/lease.ts). */
  leases: Map<string, HeldLease>;
}

/**
 * A stage does its part, then calls `next` to run the stages after it; a stage that holds
 * something (a lock, an open source) releases it once `next` has returned. A stage that decides
 * the run cannot go on records why in `run.results` and does not call `next`.
 */
export type Stage = (run: JobRun, next: () => Promise<void>) => Promise<void>;

export async function runStages(run: JobRun, stages: readonly Stage[]): Promise<void> {
  const at = async (index: number): Promise<void> => {
    const stage = stages[index];
    if (stage) await stage(run, () => at(index + 1));
  };
  await at(0);
}
