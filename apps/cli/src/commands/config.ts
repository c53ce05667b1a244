import { type ConfiguredEncryption, configJsonSchema, configWarnings } from "@cairn/core";
import type { Command } from "commander";
import { EXIT, type ExitCode } from "../exit-codes.js";
import type { Session } from "../session.js";
import type { Runner } from "./runner.js";

export function registerConfig(program: Command, run: Runner): void {
  const config = program.command("config").description("check the config file, or print its JSON Schema");
  config
    .command("check")
    .description(
      "load and validate the config (secrets, plugins, options, capabilities) without running anything",
    )
    .addHelpText(
      "after",
      "\nExit code 0 when the config is valid (with warnings, if any, for what is risky), 2 with every\nproblem listed when it is not.",
    )
    .action(run((session) => check(session)));
  config
    .command("schema")
    .description("print the config file's JSON Schema, for editor completion and checks")
    .addHelpText(
      "after",
      `
Includes the options of the built-in plugins, and of the plugins a config loads when --config
is given. Typical use:
  cairn config schema > cairn.schema.json
and at the top of cairn.config.yaml:
  # yaml-language-server: $schema=./cairn.schema.json`,
    )
    .action(run((session) => schema(session)));
}

async function check(session: Session): Promise<ExitCode> {
  const config = await session.config();
  const destinations = [...config.destinations.values()].map((d) => ({
    name: d.name,
    type: d.plugin.type,
    encryption: encryptionSummary(d.encryption),
  }));
  const jobs = [...config.jobs.values()].map((j) => ({
    name: j.name,
    source: j.source.plugin.type,
    format: j.archive.format,
    destinations: j.destinations,
    encryption: encryptionSummary(j.encryption),
    retention: j.retention ?? null,
    timeZone: j.timeZone,
    schedule: j.schedule ?? null,
    skipUnchanged: j.skipUnchanged,
    drill: j.drill
      ? { schedule: j.drill.schedule, sample: j.drill.sample ?? null, pick: j.drill.pick }
      : null,
  }));
  const warnings = configWarnings(config);
  if (session.json) {
    session.printJson({ valid: true, file: config.file, destinations, jobs, warnings });
    return EXIT.ok;
  }
  session.print(`${config.file} is valid`);
  for (const warning of warnings) session.print(`  warning: ${warning}`);
  for (const d of destinations) {
    const encrypted = d.encryption ? `, encrypts what it stores (${describe(d.encryption)})` : "";
    session.print(`  destination ${d.name}: ${d.type}${encrypted}`);
  }
  for (const j of jobs) {
    const retention = j.retention ? JSON.stringify(j.retention) : "none (nothing is ever removed)";
    session.print(
      `  job ${j.name}: ${j.source} source, ${j.format}${j.encryption ? `, encrypted (${describe(j.encryption)})` : ""}, to ${j.destinations.join(", ")}; retention ${retention}; time zone ${j.timeZone}${j.skipUnchanged ? "; skips a run when nothing changed" : ""}${j.drill ? `; drill ${JSON.stringify(j.drill.schedule)}${j.drill.sample ? `, ${j.drill.sample} files at random` : ", everything"}` : ""}`,
    );
  }
  return EXIT.ok;
}

/** Who the archives are encrypted for: public keys and fingerprints only, never a secret. */
function encryptionSummary(
  encryption: ConfiguredEncryption | undefined,
): { format: "age"; recipients: string[]; passphrase: boolean } | null {
  if (!encryption) return null;
  return {
    format: "age",
    recipients: encryption.recipients,
    passphrase: encryption.keys.passphrase !== undefined,
  };
}

function describe(encryption: NonNullable<ReturnType<typeof encryptionSummary>>): string {
  if (encryption.passphrase) return "age, a passphrase";
  const n = encryption.recipients.length;
  return `age, ${n} recipient${n === 1 ? "" : "s"}`;
}

async function schema(session: Session): Promise<ExitCode> {
  // Only an explicit --config is loaded, so the schema is printable before any config exists.
  if (session.options.config !== undefined) await session.config();
  session.printJson(configJsonSchema(session.registry));
  return EXIT.ok;
}
