import {
  type BackupResult,
  type CairnConfig,
  type DestinationResult,
  retentionFailed,
  runJob,
} from "@cairn/core";
import type { Command } from "commander";
import { EXIT, type ExitCode, exitCodeForOutcomes } from "../exit-codes.js";
import { describeLocation } from "../location.js";
import { checkBatchTargets, publishBatchMetrics } from "../metrics/batch-metrics.js";
import { formatBytes, formatDuration, formatTime, plural } from "../output/format.js";
import { createProgressLine } from "../output/progress.js";
import type { Session } from "../session.js";
import { VERSION } from "../version.js";
import type { Runner } from "./runner.js";

export function registerBackup(program: Command, run: Runner): void {
  program
    .command("backup")
    .description("back up the named jobs now (all jobs when none is named)")
    .argument("[job...]", "jobs to run, in order")
    .option(
      "--metrics-file <path>",
      "write Prometheus metrics for node_exporter's textfile collector (replaced atomically)",
    )
    .option("--pushgateway <url>", "push Prometheus metrics to a Pushgateway, grouped by job and host")
    .addHelpText(
      "after",
      `
Each job's archive is streamed to all of its destinations at once; then, at each destination
that took it, the job's retention policy runs.

Exit codes: 0 every destination of every job has the backup and pruned, 3 some have it
(or all have it but retention failed somewhere), 1 none does, 2 bad usage or config.

Examples:
  cairn backup              run every job in cairn.config.yaml
  cairn backup db photos    run two jobs, one after the other
  cairn backup --json       print the results as JSON (no secrets)
  cairn backup --metrics-file /var/lib/node_exporter/cairn.prom
  cairn backup --pushgateway http://pushgateway.monitoring:9091`,
    )
    .action(
      run((session, jobs: string[], options: { metricsFile?: string; pushgateway?: string }) =>
        backup(session, jobs, options),
      ),
    );
}

async function backup(
  session: Session,
  names: string[],
  options: { metricsFile?: string; pushgateway?: string },
): Promise<ExitCode> {
  const targets = await checkBatchTargets(
    {
      ...(options.metricsFile === undefined ? {} : { file: options.metricsFile }),
      ...(options.pushgateway === undefined ? {} : { pushgateway: options.pushgateway }),
    },
    session.io.cwd,
  );
  const config = await session.config();
  const jobs = await session.jobs(names);
  const all: BackupResult[] = [];
  const byJob = new Map<string, BackupResult[]>();
  for (const job of jobs) {
    session.note(`${job.name}: backing up to ${job.destinations.join(", ")}`);
    const progress = createProgressLine(session);
    const results = await runJob({
      config,
      job,
      registry: session.registry,
      logger: session.logger,
      engineVersion: VERSION,
      ...(session.io.signal ? { signal: session.io.signal } : {}),
      onProgress: (p) => progress.update(p),
    }).finally(() => progress.done());
    if (results.length === 0) session.print(`${job.name}: nothing new to back up`);
    for (const result of results) printResult(session, config, result);
    all.push(...results);
    byJob.set(job.name, results);
    if (session.io.signal?.aborted) break;
  }
  if (session.json) session.printJson({ results: all });
  // Each destination of each backup counts: 3 means "look, but something got through".
  const stored = exitCodeForOutcomes(
    all.flatMap((r) =>
      r.destinations.length > 0 ? r.destinations.map((d) => d.status !== "failed") : [false],
    ),
  );
  // Every backup is there but a prune failed (another host held the lease, a delete was refused):
  // nothing is lost yet, but old backups pile up until someone looks, so cron and monitoring must see it.
  const code = stored === EXIT.ok && retentionFailed(all) ? EXIT.partial : stored;
  const problems = await publishBatchMetrics(targets, byJob, config.host);
  for (const problem of problems) session.io.stderr.write(`error: ${session.redact(problem)}\n`);
  // Monitoring that gets no metrics must hear of it: a run that was fine otherwise fails.
  return problems.length > 0 && code === EXIT.ok ? EXIT.failed : code;
}

function printResult(session: Session, config: CairnConfig, result: BackupResult): void {
  const took = formatDuration(Date.parse(result.finishedAt) - Date.parse(result.startedAt));
  const what = result.entry ? `${result.job} (${result.entry})` : result.job;
  if (result.status === "unchanged") {
    const since = result.unchangedSince ? ` (made ${formatTime(new Date(result.unchangedSince))})` : "";
    session.print(`${what}: unchanged since backup ${result.id}${since}; nothing uploaded, ${took}`);
  } else if (result.archive) {
    const { format, size, entries } = result.archive;
    session.print(
      `${what}: backup ${result.id} ${result.status}: ${format}, ${formatBytes(size)}, ${plural(entries, "entry", "entries")}, ${took}`,
    );
  } else {
    session.print(`${what}: backup failed after ${took}`);
  }
  if (result.error) printError(session, "  ", result.error);
  for (const destination of result.destinations) {
    // When the source failed, every destination failed with the same error: say it once.
    const same = destination.error?.message === result.error?.message;
    printDestination(session, config, same ? { ...destination, error: undefined } : destination);
  }
}

function printDestination(
  session: Session,
  config: CairnConfig,
  result: Omit<DestinationResult, "error"> & { error?: DestinationResult["error"] | undefined },
): void {
  if (result.status !== "failed") {
    const where = result.archiveKey
      ? describeLocation(config, result.destination, result.archiveKey)
      : result.destination;
    // unchanged: the backup named above is already there, as the source is now.
    session.print(`  ${result.status === "ok" ? "ok     " : "unchanged"} ${result.destination}: ${where}`);
  } else {
    session.print(`  failed  ${result.destination}`);
    if (result.error) printError(session, "          ", result.error);
  }
  const retention = result.retention;
  if (!retention) return;
  if (retention.removed.length > 0) {
    session.print(
      `          retention removed ${plural(retention.removed.length, "old backup")} (${formatBytes(retention.bytesFreed)} freed)`,
    );
  }
  for (const error of retention.errors) printError(session, "          retention ", error);
}

function printError(
  session: Session,
  indent: string,
  error: { code: string; message: string; hint?: string },
) {
  session.print(`${indent}error: ${error.message} [${error.code}]`);
  if (error.hint) session.print(`${indent}hint: ${error.hint}`);
}
