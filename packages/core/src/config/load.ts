import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname } from "node:path";
import YAML from "yaml";
import { CairnError } from "../errors.js";
import { DEFAULT_LOCK_EXPIRY_MS, DEFAULT_LOCK_WAIT_MS } from "../lease/take-lease.js";
import type { PluginRegistry } from "../registry.js";
import { configureDestinations } from "./configure-destinations.js";
import { configureJob } from "./configure-job.js";
import type { CairnConfig, ConfigOverrides, ConfiguredJob } from "./configured.js";
import { formatIssue, messageOf } from "./issues.js";
import { configSchema, hostSchema } from "./schema.js";
import { expandHome, resolveFrom, resolveSecrets, SecretSet } from "./secrets.js";
import { defaultStateDir } from "./state-dir.js";

export type { CairnConfig, ConfigOverrides, ConfiguredDestination, ConfiguredJob } from "./configured.js";

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
  const destinations = await configureDestinations(data.destinations, registry, baseDir, secrets, problems);
  const jobs = new Map<string, ConfiguredJob>();
  const setting = { data, destinations, registry, baseDir, secrets, problems };
  for (const [name, job] of Object.entries(data.jobs)) {
    const configured = await configureJob(name, job, setting);
    if (configured) jobs.set(name, configured);
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

function invalid(file: string, problems: string[], secrets: SecretSet): CairnError {
  const lines = problems.flatMap((p) => p.split("\n")).map((p) => `  ${secrets.redact(p)}`);
  return new CairnError("CONFIG_INVALID", `${file} is invalid:\n${lines.join("\n")}`, {
    hint: "fix the keys named above; `cairn config check` checks the file without running anything",
  });
}
