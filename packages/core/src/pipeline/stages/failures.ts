import { failedResult } from "./failed-result.js";
import type { Stage } from "./stage.js";

/**
 * Whatever a later stage throws (a hook, the source, a destination) becomes a failed result
 * instead of an exception, so that the after hooks, the notifiers and the exit code all see it.
 */
export const failuresAsResults: Stage = async (run, next) => {
  try {
    await next();
  } catch (error) {
    run.results.push(failedResult(run, error));
  }
};
