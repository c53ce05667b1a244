import { notifyFinish, notifyStart } from "../../notify/deliver.js";
import { buildReport } from "../../notify/payload.js";
import { writeRunRecord } from "../../status/run-record.js";
import type { Stage } from "./stage.js";

/** Tells the job's notifiers that the run starts and how it ended, and records it locally. */
export const report: Stage = async (run, next) => {
  const { job, config, logger } = run;
  const delivery = { logger, redact: (text: string) => config.secrets.redact(text) };
  if (job.notify.length > 0) await notifyStart(job.notify, delivery);
  await next();
  const summary = buildReport(job.name, config.host, run.started, run.now(), run.results);
  // Remembered locally because destinations only ever hold successes; `cairn status` shows it.
  await writeRunRecord(config.stateDir, summary).catch((error: unknown) =>
    logger.warn(`could not record the run in ${config.stateDir}: ${(error as Error).message}`),
  );
  if (job.notify.length > 0) await notifyFinish(job.notify, summary, delivery);
};
