import { CairnError, parseClockDuration, runJob, startScheduler } from "@cairn/core";
import type { Command } from "commander";
import { EXIT, type ExitCode } from "../exit-codes.js";
import { formatBytes } from "../output/format.js";
import type { Session } from "../session.js";
import { VERSION } from "../version.js";
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
  if (jobs.length === 0) {
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
  const scheduler = startScheduler({
    jobs,
    stateDir: config.stateDir,
    logger,
    run: async (job, signal) => {
      const results = await runJob({
        config,
        job,
        registry: session.registry,
        logger,
        engineVersion: VERSION,
        signal,
      });
      metrics?.record(job.name, results);
      for (const result of results) {
        const where = result.destinations.map((d) => `${d.destination} ${d.status}`).join(", ");
        const size = result.archive ? `, ${formatBytes(result.archive.size)}` : "";
        const line = `job ${job.name}: backup ${result.id || "(none)"} ${result.status}${size}${where ? ` (${where})` : ""}`;
        if (result.status === "ok")
          logger.info(line, { job: job.name, id: result.id, status: result.status });
        else
          logger.error(`${line}${result.error ? `: ${result.error.message}` : ""}`, {
            job: job.name,
            status: result.status,
          });
      }
    },
  });
  for (const { job, at } of scheduler.next()) {
    session.note(`${job}: next run ${at ? at.toISOString() : "never"}`);
  }
  await new Promise<void>((resolve) => {
    if (!session.io.signal) return;
    if (session.io.signal.aborted) resolve();
    session.io.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  session.note(
    scheduler.running().length > 0
      ? `stopping: ${scheduler.running().join(", ")} under way${graceMs > 0 ? `, waiting up to ${options.grace}` : ", aborting"}`
      : "stopping",
  );
  await scheduler.stop(graceMs);
  exposed?.server.close();
  return EXIT.ok;
}
