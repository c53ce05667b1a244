import type { DestinationPlugin, SourcePlugin } from "@cairn/core";
import type { Command } from "commander";
import { z } from "zod";
import { EXIT, type ExitCode } from "../exit-codes.js";
import type { Session } from "../session.js";
import type { Runner } from "./runner.js";

export function registerPlugins(program: Command, run: Runner): void {
  program
    .command("plugins")
    .description("list the built-in plugins and those the config names, with their options")
    .action(run((session) => plugins(session)));
}

interface PluginInfo {
  kind: "destination" | "source";
  type: string;
  builtIn: boolean;
  options: Record<string, { type?: unknown; required: boolean; description?: string }>;
  secrets: readonly string[];
}

function describe(plugin: DestinationPlugin | SourcePlugin, builtIn: boolean): PluginInfo {
  const schema = z.toJSONSchema(plugin.options, { unrepresentable: "any", io: "input" }) as {
    properties?: Record<string, { type?: unknown; description?: string; anyOf?: { type?: unknown }[] }>;
    required?: string[];
  };
  const options: PluginInfo["options"] = {};
  for (const [key, value] of Object.entries(schema.properties ?? {})) {
    options[key] = {
      type: value.type ?? value.anyOf?.map((v) => v.type).filter(Boolean),
      required: schema.required?.includes(key) ?? false,
      ...(value.description ? { description: value.description } : {}),
    };
  }
  return { kind: plugin.kind, type: plugin.type, builtIn, options, secrets: plugin.secrets ?? [] };
}

async function plugins(session: Session): Promise<ExitCode> {
  const registry = session.registry;
  const builtIns = new Set([...registry.destinationTypes, ...registry.sourceTypes].map((p) => p.type));
  const found: PluginInfo[] = [...registry.destinationTypes, ...registry.sourceTypes].map((p) =>
    describe(p, true),
  );
  // Third-party plugins the config names (loading it also checks them).
  const config = await session.config().catch(() => undefined);
  if (config) {
    for (const destination of config.destinations.values()) {
      if (!builtIns.has(destination.plugin.type) && !found.some((p) => p.type === destination.plugin.type)) {
        found.push(describe(destination.plugin, false));
      }
    }
    for (const job of config.jobs.values()) {
      if (!builtIns.has(job.source.plugin.type) && !found.some((p) => p.type === job.source.plugin.type)) {
        found.push(describe(job.source.plugin, false));
      }
    }
  }
  if (session.json) {
    session.printJson({ plugins: found });
    return EXIT.ok;
  }
  for (const plugin of found) {
    session.print(`${plugin.kind} ${plugin.type}${plugin.builtIn ? "" : "  (package)"}`);
    for (const [key, option] of Object.entries(plugin.options)) {
      const type = Array.isArray(option.type) ? option.type.join("|") : String(option.type ?? "any");
      const flags = [option.required ? "required" : "", plugin.secrets.includes(key) ? "secret" : ""]
        .filter(Boolean)
        .join(", ");
      session.print(
        `  ${key}: ${type}${flags ? ` (${flags})` : ""}${option.description ? ` - ${option.description}` : ""}`,
      );
    }
  }
  return EXIT.ok;
}
