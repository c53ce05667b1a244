import { Cron } from "croner";
import type { ConfiguredJob } from "../config/load.js";
import type { Logger } from "../contracts/context.js";
import { CairnError } from "../errors.js";
import { readRunRecord } from "../status/run-record.js";

export interface SchedulerOptions {
  jobs: readonly ConfiguredJob[];
  /** Runs one job once; the signal aborts it (SIGTERM after the grace period). */
  run(job: ConfiguredJob, signal: AbortSignal): Promise<unknown>;
  logger: Logger;
  /** Where the last run of each job is recorded, for catch-up after sleep or downtime. */
  stateDir: string;
  /** How often to look for a jump of the wall clock (the machine slept); 30 s by default. */
  wakeCheckMs?: number;
  now?: () => Date;
  /** What a run is called in the log ("run", "drill"); "run" by default. */
  what?: string;
}

export interface Scheduler {
  /** Names of the jobs running right now. */
  running(): string[];
  /** When each job runs next. */
  next(): { job: string; at: Date | null }[];
  /**
   * Stops scheduling. Runs under way may finish within `graceMs`; after that they are aborted,
   * which leaves no complete-looking backup behind.
   */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Runs every job on its cron schedule, in its time zone. A run still going when the next one is
 * due is not doubled: the due one is skipped and logged. Jobs with `catchUp` run once at start and
 * after the machine wakes if a scheduled time passed without a run.
 */
export function startScheduler(options: SchedulerOptions): Scheduler {
  const { logger } = options;
  const what = options.what ?? "run";
  const now = options.now ?? (() => new Date());
  const active = new Map<string, { done: Promise<void>; abort: AbortController }>();
  let stopping = false;

  const launch = (job: ConfiguredJob, why: string) => {
    if (stopping) return;
    if (active.has(job.name)) {
      logger.warn(`job ${job.name}: skipped the ${why} ${what}, the previous one is still going`, {
        job: job.name,
      });
      return;
    }
    const abort = new AbortController();
    logger.info(`job ${job.name}: ${why} ${what} starts`, { job: job.name });
    const done = options
      .run(job, abort.signal)
      .then(
        () => logger.info(`job ${job.name}: ${what} finished`, { job: job.name }),
        (error: unknown) =>
          logger.error(`job ${job.name}: ${what} failed: ${(error as Error).message}`, { job: job.name }),
      )
      .finally(() => active.delete(job.name));
    active.set(job.name, { done, abort });
  };

  const crons = options.jobs
    .filter((job) => job.schedule)
    .map((job) => ({
      job,
      cron: new Cron(job.schedule!, { timezone: job.timeZone, catch: true }, () => launch(job, "scheduled")),
    }));

  // Catch-up: compare the last scheduled time before now with the last recorded run.
  const catchUp = async () => {
    for (const { job, cron } of crons) {
      if (!job.catchUp) continue;
      const due = cron.previousRuns(1, now())[0];
      if (!due) continue;
      const record = await readRunRecord(options.stateDir, job.name);
      const last = record.lastRun ? new Date(record.lastRun.startedAt) : undefined;
      if (!last || last < due) launch(job, "missed");
    }
  };
  void catchUp();

  // Timers do not run while a machine sleeps; a wall clock that jumped further than the check
  // interval means it slept, and whatever was due meanwhile is caught up once.
  const wakeCheckMs = options.wakeCheckMs ?? 30_000;
  let lastTick = Date.now();
  const watchdog = setInterval(() => {
    const tick = Date.now();
    if (tick - lastTick > wakeCheckMs * 3) {
      logger.info("the clock jumped (the machine slept?); catching up missed runs");
      void catchUp();
    }
    lastTick = tick;
  }, wakeCheckMs);
  watchdog.unref();

  return {
    running: () => [...active.keys()],
    next: () => crons.map(({ job, cron }) => ({ job: job.name, at: cron.nextRun() })),
    async stop(graceMs = 0) {
      stopping = true;
      clearInterval(watchdog);
      for (const { cron } of crons) cron.stop();
      const all = Promise.all([...active.values()].map((a) => a.done));
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<"grace over">((resolve) => {
        timer = setTimeout(() => resolve("grace over"), graceMs);
      });
      if ((await Promise.race([all, graceOver])) === "grace over") {
        for (const [name, run] of active) {
          logger.warn(`job ${name}: aborting the ${what} under way`, { job: name });
          run.abort.abort(new CairnError("ABORTED", "cairn was asked to stop"));
        }
        await all;
      }
      clearTimeout(timer);
    },
  };
}
