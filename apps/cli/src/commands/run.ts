import { CairnError, parseClockDuration, runJob, startScheduler, succeeded } from "@cairn/core";
import type { Command } from "commander";
import { EXIT, type ExitCode } from "../exit-codes.js";
import { formatBytes } from "../output/format.js";
import type { Session } from "../session.js";
import { VERSION } from "../version.js";
import { startDrillScheduler } from "./run-drills.js";
import type { Runner } from "./runner.js";

interface RunOptions {
  grace: string;
  metrics?: string;
}

export function registerRun(program: Command, run: Runner): void {
  program
    .command("run")
    .description("stay up and run every job on its schedule")
    .option(
      "--grace <duration>",
      "on SIGTERM or Ctrl-C, let a backup under way finish for this long before aborting it",
      "0s",
    )
    .option(
      "--metrics <address>",
      "serve Prometheus metrics at /metrics on this address, e.g. :9464 or 127.0.0.1:9464",
    )
    .addHelpText(
      "after",
      `
Each job with a \`schedule\` (cron, in the job's timeZone) runs on it. A run still going when the
next is due is not doubled: the due one is skipped and logged. With \`catchUp: true\`, a run
missed while the machine was off or asleep happens once at start or on wake. SIGTERM or Ctrl-C
stops: a backup under way is aborted (after --grace), and an aborted backup never counts as one.
A job's \`drill: { schedule }\` runs a restore drill on that schedule (docs/drills.md).

Examples:
  cairn run                             in a terminal, or as a systemd service
  cairn run --grace 10m --log-format json
  cairn run --metrics :9464             Prometheus scrapes http://<host>:9464/metrics`,
    )
    .action(run((session, options: RunOptions) => runScheduled(session, options)));
}

async function runScheduled(session: Session, options: RunOptions): Promise<ExitCode> {
  const graceMs = parseClockDuration(options.grace);
  if (graceMs === undefined) {
    throw new CairnError("USAGE", `--grace ${options.grace} is not a duration`, {
      hint: 'use e.g. "30s", "10m" or "1h"',
    });
  }
  const config = await session.config();
  const jobs = [...config.jobs.values()].filter((job) => job.schedule);
  if (jobs.length === 0 && ![...config.jobs.values()].some((job) => job.drill)) {
    throw new CairnError("USAGE", `no job in ${config.file} has a schedule`, {
      hint: 'add `schedule: "0 3 * * *"` (cron, in the job\'s timeZone) to the jobs to run',
    });
  }
  const logger = session.logger;
  // prom-client is loaded only for --metrics: it weighs as much as a backup's working set.
  const metrics =
    options.metrics === undefined ? undefined : new (await import("../metrics/run-metrics.js")).RunMetrics();
  const exposed = metrics && options.metrics !== undefined ? await metrics.serve(options.metrics) : undefined;
  if (exposed) session.note(`metrics at http://${exposed.address}/metrics`);
  // Backups under way, so a drill due meanwhile waits for the backup it should restore.
  const backups = new Map<string, Promise<unknown>>();
  const scheduler = startScheduler({
    jobs,
    stateDir: config.stateDir,
    logger,
    run: async (job, signal) => {
      const running = runJob({
        config,
        job,
        registry: session.registry,
        logger,
        engineVersion: VERSION,
        signal,
      });
      backups.set(job.name, running);
      const results = await running.finally(() => backups.delete(job.name));
      metrics?.record(job.name, results);
      for (const result of results) {
        const where = result.destinations.map((d) => `${d.destination} ${d.status}`).join(", ");
        const size = result.archive ? `, ${formatBytes(result.archive.size)}` : "";
        const line = `job ${job.name}: backup ${result.id || "(none)"} ${result.status}${size}${where ? ` (${where})` : ""}`;
        if (succeeded(result.status))
          logger.info(line, { job: job.name, id: result.id, status: result.status });
        else
          logger.error(`${line}${result.error ? `: ${result.error.message}` : ""}`, {
            job: job.name,
            status: result.status,
          });
      }
    },
  });
  const drills = await startDrillScheduler({
    config,
    registry: session.registry,
    logger,
    metrics: metrics?.registry,
    backupDone: async (job) => {
      await backups.get(job)?.catch(() => undefined);
    },
  });
  for (const { job, at } of scheduler.next()) {
    session.note(`${job}: next run ${at ? at.toISOString() : "never"}`);
  }
  for (const { job, at } of drills?.next() ?? []) {
    session.note(`${job}: next drill ${at ? at.toISOString() : "never"}`);
  }
  await new Promise<void>((resolve) => {
    if (!session.io.signal) return;
    if (session.io.signal.aborted) resolve();
    session.io.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  const underWay = [...scheduler.running(), ...(drills?.running() ?? []).map((job) => `${job} (drill)`)];
  session.note(
    underWay.length > 0
      ? `stopping: ${underWay.join(", ")} under way${graceMs > 0 ? `, waiting up to ${options.grace}` : ", aborting"}`
      : "stopping",
  );
  await Promise.all([scheduler.stop(graceMs), drills?.stop(graceMs)]);
  exposed?.server.close();
  return EXIT.ok;
}
