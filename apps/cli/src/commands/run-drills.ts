import {
  type CairnConfig,
  type ConfiguredJob,
  type DrillResult,
  type Logger,
  type PluginRegistry,
  readDrillRecord,
  runDrill,
  type Scheduler,
  startScheduler,
} from "@cairn/core";
import type { Registry } from "prom-client";
import { formatBytes, formatDuration } from "../output/format.js";

export interface DrillSchedulerOptions {
  config: CairnConfig;
  registry: PluginRegistry;
  logger: Logger;
  /** The Prometheus registry of `--metrics`, when it is on. */
  metrics: Registry | undefined;
  /** Resolves once the job's backup under way (if any) has finished. */
  backupDone(job: string): Promise<void>;
}

/**
 * Runs each job's `drill` on its own schedule, beside the backups. A drill due while the job's
 * backup runs waits for it, so it restores the backup that run made rather than one retention
 * may be removing. Returns undefined when no job has a drill.
 */
export async function startDrillScheduler(options: DrillSchedulerOptions): Promise<Scheduler | undefined> {
  const { config, logger } = options;
  const jobs = [...config.jobs.values()].filter((job) => job.drill);
  if (jobs.length === 0) return undefined;
  const metrics = options.metrics
    ? new (await import("../metrics/drill-metrics.js")).DrillMetrics(options.metrics)
    : undefined;
  for (const job of jobs)
    metrics?.remember(job.name, (await readDrillRecord(config.stateDir, job.name)).lastSuccess);
  return startScheduler({
    // The scheduler reads a job's schedule: here, the drill's. Missed drills are not caught up.
    jobs: jobs.map((job): ConfiguredJob => ({ ...job, schedule: job.drill!.schedule, catchUp: false })),
    stateDir: config.stateDir,
    logger,
    what: "drill",
    run: async (job, signal) => {
      await options.backupDone(job.name);
      const drill = job.drill!;
      const result = await runDrill({
        config,
        job: config.jobs.get(job.name)!,
        registry: options.registry,
        logger,
        signal,
        ...(drill.sample === undefined ? {} : { sample: drill.sample }),
        ...(drill.pick === "random" ? { random: true } : {}),
        ...(drill.sandbox === undefined ? {} : { sandbox: drill.sandbox }),
      });
      metrics?.record(result);
      logResult(logger, result);
    },
  });
}

function logResult(logger: Logger, result: DrillResult): void {
  const restored = result.restored;
  const how = restored
    ? `, ${restored.entries} entries, ${formatBytes(restored.bytes)} in ${formatDuration(restored.durationMs)} (${formatBytes(restored.bytesPerSecond)}/s)`
    : "";
  const line = `job ${result.job}: drill of ${result.id ?? "(no backup)"} ${result.status}${how}`;
  const fields = { job: result.job, id: result.id, status: result.status };
  if (result.status === "ok") logger.info(line, fields);
  else logger.error(`${line}: ${result.error?.message ?? "unknown error"}`, fields);
}
