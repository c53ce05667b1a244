import { type JobLock, lockJob, pruneUnderLease, retentionGroup, summarizeError } from "@cairn/core";
import type { Command } from "commander";
import { withPool } from "../destination-pool.js";
import { type ExitCode, exitCodeForOutcomes } from "../exit-codes.js";
import { destinationsOf } from "../job-destinations.js";
import { type Pruned, printPlan, toJson } from "../output/prune.js";
import type { Session } from "../session.js";
import type { Runner } from "./runner.js";

interface PruneOptions {
  dryRun?: boolean;
  destination?: string;
}

export function registerPrune(program: Command, run: Runner): void {
  program
    .command("prune")
    .description("apply the jobs' retention policies: remove old backups and stale incomplete uploads")
    .argument("[job]", "only this job (default: every job)")
    .option("-n, --dry-run", "print the plan with its reasons and delete nothing")
    .option("-d, --destination <name>", "only at this destination")
    .addHelpText(
      "after",
      `
The plan is made per destination, from the complete backups there of this host (or of every
host, with the policy's groupBy: job), in the job's time zone.
Whatever the policy, the newest backup is never removed, and a job without a policy loses
nothing. An incomplete upload (an archive without manifest) is removed once it is a day old.
\`cairn backup\` prunes by itself after each successful upload; this command is for changing a
policy or looking at what it would do.

Examples:
  cairn prune --dry-run            what every job's policy would remove, and why
  cairn prune db -d nas            apply job db's policy at destination nas
  cairn prune --dry-run --json     the plans as JSON
  cairn prune --host old-name      apply the policy to the backups a renamed host left`,
    )
    .action(run((session, job: string | undefined, options: PruneOptions) => prune(session, job, options)));
}

async function prune(session: Session, name: string | undefined, options: PruneOptions): Promise<ExitCode> {
  const config = await session.config();
  const jobs = await session.jobs(name ? [name] : []);
  const dryRun = options.dryRun === true;
  const now = new Date();
  // Naming a destination no selected job uses is a usage error, not an empty result.
  if (options.destination !== undefined) destinationsOf(config, jobs, options.destination);
  const pruned: Pruned[] = [];
  await withPool(config, session.logger, async (pool) => {
    for (const job of jobs) {
      const at = job.destinations.filter(
        (d) => options.destination === undefined || d === options.destination,
      );
      if (at.length === 0) continue;
      const group = retentionGroup(job.name, job.retention?.groupBy, config.host);
      // A real prune holds the job's lock, so it never races a backup of the same job.
      let lock: JobLock | undefined;
      try {
        if (!dryRun) lock = await lockJob(config.stateDir, config.file, job.name);
        for (const destination of at) {
          try {
            const open = await pool.get(destination);
            const run = await pruneUnderLease(open, config, job, {
              now,
              timeZone: job.timeZone,
              dryRun,
              logger: session.logger,
              signal: session.io.signal ?? new AbortController().signal,
            });
            pruned.push({ job, group, destination, run });
          } catch (error) {
            pruned.push({ job, group, destination, error: summarizeError(error, config.secrets) });
          }
        }
      } catch (error) {
        for (const destination of at)
          pruned.push({ job, group, destination, error: summarizeError(error, config.secrets) });
      } finally {
        await lock?.release();
      }
    }
  });
  if (session.json) session.printJson({ dryRun, plans: pruned.map((p) => toJson(p, dryRun)) });
  else for (const p of pruned) printPlan(session, p, dryRun, now);
  return exitCodeForOutcomes(pruned.map((p) => p.error === undefined && (p.run?.errors.length ?? 0) === 0));
}
