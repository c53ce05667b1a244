import { CairnError } from "../../errors.js";
import { closeQuietly, openDestination } from "../open-destinations.js";
import { summarizeError } from "../outcome.js";
import { failedResult } from "./failed-result.js";
import type { Stage } from "./stage.js";

/**
 * Opens every destination of the job. One that cannot be opened is a failed destination of every
 * backup of this run, not the end of the run; none at all is. All are closed at the end.
 */
export const openDestinations: Stage = async (run, next) => {
  const { config, job, logger } = run;
  try {
    for (const name of job.destinations) {
      try {
        run.destinations.push(await openDestination(config, name, logger));
      } catch (error) {
        run.unopened.push({
          destination: name,
          status: "failed",
          error: summarizeError(error, config.secrets),
        });
      }
    }
    if (run.destinations.length === 0) {
      run.results.push(
        failedResult(
          run,
          new CairnError("DESTINATION_UNAVAILABLE", "no destination of the job could be opened"),
        ),
      );
      return;
    }
    await next();
    for (const result of run.results) {
      for (const missing of run.unopened) {
        if (!result.destinations.some((d) => d.destination === missing.destination))
          result.destinations.push(missing);
      }
    }
  } finally {
    for (const open of run.destinations) await closeQuietly(open, logger);
  }
};
