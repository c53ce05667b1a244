import { lockJob } from "../lock.js";
import { failedResult } from "./failed-result.js";
import type { Stage } from "./stage.js";

/** One run of a job at a time on this machine; a run that finds the job locked makes nothing. */
export const holdJobLock: Stage = async (run, next) => {
  let lock: Awaited<ReturnType<typeof lockJob>>;
  try {
    lock = await lockJob(run.config.stateDir, run.config.file, run.job.name);
  } catch (error) {
    run.results.push(failedResult(run, error));
    return;
  }
  try {
    await next();
  } finally {
    await lock.release();
  }
};
