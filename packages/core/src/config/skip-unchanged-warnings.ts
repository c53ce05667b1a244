import { formatPath } from "./issues.js";
import type { ConfiguredJob } from "./load.js";

/**
 * Why a job with `skipUnchanged` will still upload every run, or undefined when it can skip:
 * its source cannot fingerprint itself cheaply (a dump, a command's output), or it does not
 * apply (`each: entry`). Shown by `config check`, and logged when such a job runs.
 */
export function skipUnchangedProblem(job: ConfiguredJob): string | undefined {
  if (!job.skipUnchanged) return undefined;
  const { plugin, options } = job.source;
  const verdict = plugin.fingerprints?.(options as never) ?? "it cannot tell cheaply whether it changed";
  if (verdict === true) return undefined;
  return `${formatPath(["jobs", job.name, "skipUnchanged"])}: has no effect with the ${plugin.type} source: ${verdict}; every run uploads. Remove skipUnchanged to say so`;
}
