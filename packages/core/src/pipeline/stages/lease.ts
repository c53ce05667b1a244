import { isSplitSource } from "../../contracts/source.js";
import { takeJobLease } from "../../lease/take-job-lease.js";
import { canLease } from "../../lease/take-lease.js";
import { failedResult } from "./failed-result.js";
import type { Stage } from "./stage.js";

/**
 * An `each: entry` job decides what is new from what the destinations hold, uploads that, then
 * prunes. Two runs of it at once (two pods of one host name) would both find an entry new and
 * both upload it, so the job's lease at each destination is held from the decision to the end of
 * the prune. Taken in the order of the destinations' names, so two runs never wait on each other
 * crosswise. A job of one archive needs the lease only around its prune (stages/retention.ts).
 */
export const leaseForEntries: Stage = async (run, next) => {
  if (!isSplitSource(run.source!)) return next();
  const { config, job, logger, ctx } = run;
  try {
    for (const open of [...run.destinations].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (!canLease(open.destination)) continue;
      const held = await takeJobLease(open, config, job, { logger, signal: ctx.signal });
      run.leases.set(open.name, held);
    }
  } catch (error) {
    await releaseAll(run.leases);
    run.results.push(failedResult(run, error));
    return;
  }
  try {
    await next();
  } finally {
    await releaseAll(run.leases);
  }
};

async function releaseAll(leases: Map<string, { release(): Promise<void> }>): Promise<void> {
  for (const lease of leases.values()) await lease.release();
  leases.clear();
}
