import { formatPath } from "./issues.js";
import type { CairnConfig } from "./load.js";
import { skipUnchangedProblem } from "./skip-unchanged-warnings.js";

/**
 * What a valid config still gets wrong in a way that bites later: a shared retention group
 * (`groupBy: job`) at a destination that cannot hold a lease, where two hosts pruning at once
 * cannot be kept apart; `skipUnchanged` on a source that is never skipped. `config check` prints
 * these; a run still runs.
 */
export function configWarnings(config: CairnConfig): string[] {
  const warnings: string[] = [];
  for (const job of config.jobs.values()) {
    const skip = skipUnchangedProblem(job);
    if (skip) warnings.push(skip);
    if (job.retention?.groupBy !== "job") continue;
    for (const name of job.destinations) {
      const destination = config.destinations.get(name);
      if (!destination || destination.plugin.capabilities.exclusiveCreate) continue;
      warnings.push(
        `${formatPath(["jobs", job.name, "retention", "groupBy"])}: destination "${name}" (${destination.plugin.type}) cannot hold a lease (no exclusiveCreate), so two hosts pruning the shared group at once cannot be kept apart: prune from one host only, or drop groupBy: job so each host prunes its own backups`,
      );
    }
  }
  return warnings;
}
