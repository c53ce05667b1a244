import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname, isAbsolute, resolve } from "node:path";
import YAML from "yaml";
import type { z } from "zod";
import { bandwidthOf, type DestinationBandwidth } from "../bandwidth/limit-destination.js";
import { limitsOf } from "../bandwidth/options.js";
import type { DestinationPlugin, SourcePlugin } from "../define.js";
import type { DrillConfig } from "../drill/schema.js";
import { type ConfiguredEncryption, configureEncryption } from "../encryption/config.js";
import { CairnError } from "../errors.js";
import { DEFAULT_LOCK_EXPIRY_MS, DEFAULT_LOCK_WAIT_MS } from "../lease/take-lease.js";
import type { NotifierConfig } from "../notify/schema.js";
import type { HookConfig } from "../pipeline/hooks.js";
import type { PluginRegistry } from "../registry.js";
import type { RetentionPolicy } from "../retention/index.js";
import { parseSchedule } from "../status/schedule.js";
import { formatIssue, formatPath } from "./issues.js";
import { type ArchiveConfig, configSchema, DESTINATION_CORE_KEYS, hostSchema } from "./schema.js";
import { expandHome, resolveSecrets, SecretSet } from "./secrets.js";
import { defaultStateDir } from "./state-dir.js";

const DEFAULT_HOOK_TIMEOUT_MS = 10 * 60_000;

export interface ConfiguredDestination {
  name: string;
  plugin: DestinationPlugin;
  options: unknown;
  /** The destination's bandwidth limits, one bucket per direction for every transfer in this process. */
  bandwidth: DestinationBandwidth;
  /** Present when this destination encrypts what it stores, whatever the job (age). */
  encryption: ConfiguredEncryption | undefined;
}

export interface ConfiguredJob {
  name: string;
  source: { plugin: SourcePlugin; options: unknown };
  archive: ArchiveConfig;
  /** Present when the job's archives are encrypted (age), at every destination. */
  encryption: ConfiguredEncryption | undefined;
  destinations: string[];
  retention: RetentionPolicy | undefined;
  timeZone: string;
  schedule: string | undefined;
  staleAfterMs: number | undefined;
  catchUp: boolean;
  tags: string[];
  hooks: HookConfig;
  /** The global notifiers, then the job's own. */
  notify: NotifierConfig[];
  /** Unattended restore drills, when the job has them. */
  drill: DrillConfig | undefined;
}

export interface CairnConfig {
  file: string;
  baseDir: string;
  stateDir: string;
  /** Leases at destinations (lease/take-lease.ts): how long to wait for one, how long one lasts. */
  lease: { waitMs: number; expiryMs: number };
  /** The name this machine's backups carry: `--host`, else `host:`, else the machine's host name. */
  host: string;
  secrets: SecretSet;
  destinations: Map<string, ConfiguredDestination>;
  jobs: Map<string, ConfiguredJob>;
}

/** What the command line overrides in a config. */
export interface ConfigOverrides {
  /** `--host`: the name this run's backups carry. */
  host?: string;
}

/** Reads, resolves and checks a config file; every problem found is reported at once. */
export async function loadConfig(
  file: string,
  registry: PluginRegistry,
  overrides: ConfigOverrides = {},
): Promise<CairnConfig> {
  const text = await readFile(file, "utf8").catch((cause: unknown) => {
    throw new CairnError("CONFIG_NOT_FOUND", `cannot read config file ${file}`, { cause });
  });
  return parseConfig(text, file, registry, overrides);
}

export async function parseConfig(
  text: string,
  file: string,
  registry: PluginRegistry,
  overrides: ConfigOverrides = {},
): Promise<CairnConfig> {
  const baseDir = dirname(file);
  const raw = parseText(text, file);
  const secrets = new SecretSet();
  const resolved = resolveSecrets(raw, baseDir, secrets);

  const parsed = configSchema.safeParse(resolved, { reportInput: true });
  if (!parsed.success)
    throw invalid(
      file,
      parsed.error.issues.map((issue) => formatIssue(issue)),
      secrets,
    );
  const data = parsed.data;
  const problems: string[] = [];

  for (const specifier of data.plugins ?? []) {
    await registry
      .load(specifier, baseDir)
      .catch((error: unknown) => problems.push(`plugins: ${messageOf(error)}`));
  }

  const destinations = new Map<string, ConfiguredDestination>();
  for (const [name, entry] of Object.entries(data.destinations)) {
    const at = ["destinations", name];
    const plugin = await registry.destination(entry.type, baseDir).catch((error: unknown) => {
      problems.push(`${formatPath([...at, "type"])}: ${messageOf(error)}`);
      return undefined;
    });
    if (!plugin) continue;
    addDeclaredSecrets(plugin.secrets, entry, secrets);
    const options = checkOptions(plugin.options, entry, at, problems, DESTINATION_CORE_KEYS);
    const encryption = entry.encryption
      ? await configureEncryption(
          entry.encryption,
          (...path) => formatPath([...at, "encryption", ...path]),
          problems,
          secrets,
        )
      : undefined;
    if (options !== undefined) {
      destinations.set(name, {
        name,
        plugin,
        options,
        bandwidth: bandwidthOf(limitsOf(entry)),
        encryption,
      });
    }
  }

  const jobs = new Map<string, ConfiguredJob>();
  for (const [name, job] of Object.entries(data.jobs)) {
    const at = ["jobs", name];
    for (const [i, dest] of job.destinations.entries()) {
      if (!(dest in data.destinations)) {
        const known = Object.keys(data.destinations).join(", ") || "none";
        problems.push(
          `${formatPath([...at, "destinations", i])}: no destination named "${dest}" (defined: ${known})`,
        );
      }
      const configured = destinations.get(dest);
      if (job.encryption && data.destinations[dest]?.encryption) {
        // Two sets of keys for one object: which would the user expect? Neither silently.
        problems.push(
          `${formatPath([...at, "encryption"])}: destination "${dest}" has its own encryption (destinations.${dest}.encryption); set encryption in one place: on the job for every destination, or on each destination that should be encrypted`,
        );
      }
      if (job.retention && configured && !configured.plugin.capabilities.delete) {
        problems.push(
          `${formatPath([...at, "retention"])}: destination "${dest}" (${configured.plugin.type}) cannot delete, so retention cannot run there`,
        );
      }
      if (
        job.retention?.minFreeSpace !== undefined &&
        configured &&
        !configured.plugin.capabilities.freeSpace
      ) {
        problems.push(
          `${formatPath([...at, "retention", "minFreeSpace"])}: destination "${dest}" (${configured.plugin.type}) cannot tell its free space`,
        );
      }
    }
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
    if (!sourcePlugin || sourceOptions === undefined) continue;
    jobs.set(name, {
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
      hooks: { ...job.hooks, timeoutMs: job.hooks?.timeout ?? DEFAULT_HOOK_TIMEOUT_MS },
      notify: [...(data.notify ?? []), ...(job.notify ?? [])],
      drill: job.drill && {
        schedule: job.drill.schedule,
        sample: job.drill.sample,
        pick: job.drill.pick ?? "newest",
        staleAfterMs: job.drill.staleAfter,
        sandbox: job.drill.sandbox ? resolveFrom(baseDir, expandHome(job.drill.sandbox)) : undefined,
      },
    });
  }

  if (overrides.host !== undefined) {
    const host = hostSchema.safeParse(overrides.host);
    if (!host.success)
      problems.push(`--host ${JSON.stringify(overrides.host)}: ${host.error.issues[0]?.message}`);
  }
  if (problems.length > 0) throw invalid(file, problems, secrets);
  const stateDir = data.stateDir ? resolveFrom(baseDir, expandHome(data.stateDir)) : defaultStateDir();
  const host = overrides.host ?? data.host ?? hostname();
  const lease = {
    waitMs: data.lockWait ?? DEFAULT_LOCK_WAIT_MS,
    expiryMs: data.lockExpiry ?? DEFAULT_LOCK_EXPIRY_MS,
  };
  return { file, baseDir, stateDir, host, lease, secrets, destinations, jobs };
}

function parseText(text: string, file: string): unknown {
  try {
    const data: unknown = file.endsWith(".json")
      ? JSON.parse(text)
      : YAML.parse(text, { prettyErrors: true });
    return data ?? {};
  } catch (cause) {
    throw new CairnError(
      "CONFIG_INVALID",
      `${file} is not valid ${file.endsWith(".json") ? "JSON" : "YAML"}: ${(cause as Error).message}`,
      {
        cause,
        hint: "fix the syntax at the line shown",
      },
    );
  }
}

/**
 * A secret written into the config itself (`password: ...` rather than `${env:...}`) is hidden
 * like a referenced one: the plugin names the keys that hold secrets.
 */
function addDeclaredSecrets(
  keys: readonly string[] | undefined,
  entry: Record<string, unknown>,
  secrets: SecretSet,
): void {
  const addAll = (value: unknown): void => {
    if (typeof value === "string" || typeof value === "number") secrets.add(String(value));
    else if (Array.isArray(value)) value.forEach(addAll);
    // A record of secrets, such as a command source's `env`: every value in it.
    else if (typeof value === "object" && value !== null) Object.values(value).forEach(addAll);
  };
  for (const key of keys ?? []) addAll(entry[key]);
}

/** A plugin's own schema checks its options (all but `type` and core's own keys); its errors carry the config key path. */
function checkOptions(
  schema: z.ZodType,
  entry: Record<string, unknown>,
  at: PropertyKey[],
  problems: string[],
  coreKeys: readonly string[] = [],
): unknown {
  const { type: _type, ...options } = entry;
  for (const key of coreKeys) delete options[key];
  const parsed = schema.safeParse(options, { reportInput: true });
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) problems.push(formatIssue(issue, at));
  return undefined;
}

function invalid(file: string, problems: string[], secrets: SecretSet): CairnError {
  const lines = problems.flatMap((p) => p.split("\n")).map((p) => `  ${secrets.redact(p)}`);
  return new CairnError("CONFIG_INVALID", `${file} is invalid:\n${lines.join("\n")}`, {
    hint: "fix the keys named above; `cairn config check` checks the file without running anything",
  });
}

function messageOf(error: unknown): string {
  if (CairnError.is(error) && error.hint) return `${error.message} (${error.hint})`;
  return error instanceof Error ? error.message : String(error);
}

function resolveFrom(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}
