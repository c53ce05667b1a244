import { configureEncryption } from "../encryption/config.js";
import type { PluginRegistry } from "../registry.js";
import { parseSchedule } from "../status/schedule.js";
import type { ConfiguredDestination, ConfiguredJob } from "./configured.js";
import { formatPath, messageOf } from "./issues.js";
import { addDeclaredSecrets, checkOptions } from "./plugin-options.js";
import type { CairnConfigData, JobConfig } from "./schema.js";
import { expandHome, resolveFrom, type SecretSet } from "./secrets.js";

const DEFAULT_HOOK_TIMEOUT_MS = 10 * 60_000;

/** What one job needs from the rest of the config. */
export interface JobSetting {
  data: CairnConfigData;
  destinations: ReadonlyMap<string, ConfiguredDestination>;
  registry: PluginRegistry;
  baseDir: string;
  secrets: SecretSet;
  problems: string[];
}

/**
 * Checks one job against its destinations' capabilities, its schedule, source and encryption;
 * undefined, with the problems added, when it cannot run.
 */
export async function configureJob(
  name: string,
  job: JobConfig,
  setting: JobSetting,
): Promise<ConfiguredJob | undefined> {
  const { data, registry, baseDir, secrets, problems } = setting;
  const at = ["jobs", name];
  checkJobDestinations(at, job, setting);
  const timeZone = job.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (job.schedule !== undefined) {
    try {
      parseSchedule(job.schedule, timeZone);
    } catch (error) {
      problems.push(`${formatPath([...at, "schedule"])}: ${messageOf(error)}`);
    }
  }
  if (job.drill !== undefined) {
    try {
      parseSchedule(job.drill.schedule, timeZone);
    } catch (error) {
      problems.push(`${formatPath([...at, "drill", "schedule"])}: ${messageOf(error)}`);
    }
  }
  const sourcePlugin = await registry.source(job.source.type, baseDir).catch((error: unknown) => {
    problems.push(`${formatPath([...at, "source", "type"])}: ${messageOf(error)}`);
    return undefined;
  });
  if (sourcePlugin) addDeclaredSecrets(sourcePlugin.secrets, job.source, secrets);
  const sourceOptions = sourcePlugin
    ? checkOptions(sourcePlugin.options, job.source, [...at, "source"], problems)
    : undefined;
  const encryption = job.encryption
    ? await configureEncryption(
        job.encryption,
        (...path) => formatPath([...at, "encryption", ...path]),
        problems,
        secrets,
      )
    : undefined;
  if (!sourcePlugin || sourceOptions === undefined) return undefined;
  return {
    name,
    source: { plugin: sourcePlugin, options: sourceOptions },
    archive: job.archive,
    encryption,
    destinations: job.destinations,
    retention: job.retention,
    timeZone,
    schedule: job.schedule,
    staleAfterMs: job.staleAfter,
    catchUp: job.catchUp ?? false,
    tags: job.tags,
    skipUnchanged: job.skipUnchanged ?? false,
    hooks: { ...job.hooks, timeoutMs: job.hooks?.timeout ?? DEFAULT_HOOK_TIMEOUT_MS },
    notify: [...(data.notify ?? []), ...(job.notify ?? [])],
    drill: job.drill && {
      schedule: job.drill.schedule,
      sample: job.drill.sample,
      pick: job.drill.pick ?? "newest",
      staleAfterMs: job.drill.staleAfter,
      sandbox: job.drill.sandbox ? resolveFrom(baseDir, expandHome(job.drill.sandbox)) : undefined,
    },
  };
}

/**
 * Each destination the job names exists and can do what the job's retention asks of it: a
 * capability missing is a config error now, not a failure at 3 a.m.
 */
function checkJobDestinations(at: PropertyKey[], job: JobConfig, setting: JobSetting): void {
  const { data, destinations, problems } = setting;
  for (const [i, dest] of job.destinations.entries()) {
    if (!(dest in data.destinations)) {
      const known = Object.keys(data.destinations).join(", ") || "none";
      problems.push(
        `${formatPath([...at, "destinations", i])}: no destination named "${dest}" (defined: ${known})`,
      );
    }
    if (job.encryption && data.destinations[dest]?.encryption) {
      // Two sets of keys for one object: which would the user expect? Neither silently.
      problems.push(
        `${formatPath([...at, "encryption"])}: destination "${dest}" has its own encryption (destinations.${dest}.encryption); set encryption in one place: on the job for every destination, or on each destination that should be encrypted`,
      );
    }
    const configured = destinations.get(dest);
    if (!configured) continue;
    const { type, capabilities } = configured.plugin;
    if (job.retention && !capabilities.delete) {
      problems.push(
        `${formatPath([...at, "retention"])}: destination "${dest}" (${type}) cannot delete, so retention cannot run there`,
      );
    }
    if (job.retention?.minFreeSpace !== undefined && !capabilities.freeSpace) {
      problems.push(
        `${formatPath([...at, "retention", "minFreeSpace"])}: destination "${dest}" (${type}) cannot tell its free space`,
      );
    }
  }
}
