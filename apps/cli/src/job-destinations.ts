import { type CairnConfig, CairnError, type ConfiguredJob } from "@cairn/core";

/** The destinations the jobs use, in config order, limited to `only` when given. */
export function destinationsOf(
  config: CairnConfig,
  jobs: ConfiguredJob[],
  only: string | undefined,
): string[] {
  const used = new Set(jobs.flatMap((j) => j.destinations));
  if (only !== undefined && !used.has(only)) {
    const which = jobs.length === 1 ? `job "${jobs[0]?.name}"` : "any job";
    throw new CairnError("USAGE", `destination "${only}" is not used by ${which}`, {
      hint: `destinations used: ${[...used].join(", ") || "none"}`,
    });
  }
  return [...config.destinations.keys()].filter(
    (name) => used.has(name) && (only === undefined || name === only),
  );
}
