import { type CompleteBackup, listBackups } from "../../catalog/list-backups.js";
import { skipUnchangedProblem } from "../../config/skip-unchanged-warnings.js";
import { isSplitSource } from "../../contracts/source.js";
import { inGroup, retentionGroup, sameHost } from "../../retention/index.js";
import { jobFingerprint, stillCurrent } from "../job-fingerprint.js";
import type { OpenDestination } from "../open-destinations.js";
import type { BackupResult } from "../results.js";
import type { JobRun, PlannedUpload, Stage } from "./stage.js";

/**
 * `skipUnchanged`: fingerprints the source and takes out of the plan each destination whose
 * newest backup from this host already has that fingerprint. Those get an "unchanged" result
 * (and so still their retention run); the others get the backup, which records the fingerprint.
 * Where every destination is unchanged, the plan is empty and the source is never archived.
 */
export const skipUnchanged: Stage = async (run, next) => {
  const { job, logger } = run;
  if (!job.skipUnchanged) return next();
  const source = run.source!;
  if (isSplitSource(source) || typeof source.fingerprint !== "function") {
    logger.warn(
      skipUnchangedProblem(job) ??
        `jobs.${job.name}.skipUnchanged: this ${job.source.plugin.type} source cannot tell whether it changed; backing up`,
    );
    return next();
  }
  const fingerprint = jobFingerprint(
    job,
    run.config.secrets.redact(source.describe()),
    await source.fingerprint(run.ctx),
    run.options.engineVersion,
  );
  const newest = await Promise.all(run.destinations.map((open) => newestOfThisHost(open, run)));
  const same = new Map<string, { backup: CompleteBackup; at: OpenDestination[] }>();
  const changed = new Set<OpenDestination>();
  for (const [i, open] of run.destinations.entries()) {
    const backup = newest[i];
    if (!backup || !stillCurrent(backup.manifest, fingerprint, job, open)) {
      changed.add(open);
      continue;
    }
    const group = same.get(backup.id) ?? { backup, at: [] };
    group.at.push(open);
    same.set(backup.id, group);
  }
  for (const { backup, at } of same.values()) {
    logger.info(
      `${job.name}: unchanged since ${backup.id}; nothing uploaded to ${at.map((o) => o.name).join(", ")}`,
    );
    run.results.push(unchangedResult(run, backup, at));
  }
  run.plan = narrowed(run.plan, changed, fingerprint);
  await next();
};

/**
 * The newest complete backup this host made in the job's retention group there. Another host's
 * backup is not compared with: its retention may drop it, and its source is another machine's.
 * A destination that cannot be listed now is not skipped: its upload then reports what is wrong.
 */
async function newestOfThisHost(open: OpenDestination, run: JobRun): Promise<CompleteBackup | undefined> {
  const { job, config } = run;
  const group = retentionGroup(job.name, job.retention?.groupBy, config.host);
  try {
    const listed = await listBackups(open.destination, job.name, run.ctx.signal);
    return listed.complete.find((b) => inGroup(b.manifest, group) && sameHost(b.manifest.host, config.host));
  } catch (error) {
    run.logger.warn(
      `could not list ${open.name} to compare fingerprints, so it gets a backup: ${(error as Error).message}`,
    );
    return undefined;
  }
}

async function* narrowed(
  plan: AsyncIterable<PlannedUpload>,
  changed: ReadonlySet<OpenDestination>,
  fingerprint: string,
): AsyncGenerator<PlannedUpload> {
  for await (const planned of plan) {
    const to = planned.to.filter((open) => changed.has(open));
    if (to.length > 0) yield { ...planned, to, fingerprint };
  }
}

function unchangedResult(run: JobRun, backup: CompleteBackup, at: OpenDestination[]): BackupResult {
  return {
    job: run.job.name,
    id: backup.id,
    status: "unchanged",
    unchangedSince: backup.time.toISOString(),
    startedAt: run.started.toISOString(),
    finishedAt: run.now().toISOString(),
    destinations: at.map((open) => ({
      destination: open.name,
      status: "unchanged",
      archiveKey: backup.archive.key,
    })),
  };
}
