import type { z } from "zod";
import type { Redactor } from "./config/secrets.js";
import type { Logger, RunContext } from "./contracts/context.js";
import type { Destination, DestinationCapabilities } from "./contracts/destination.js";
import type { Source } from "./contracts/source.js";
import { CairnError } from "./errors.js";

/** The plugin API this copy of core speaks. A plugin built for another major version is refused. */
export const PLUGIN_API_VERSION = 1;

const PLUGIN_BRAND = Symbol.for("cairn.plugin");

/** What a plugin's create() gets besides its options. */
export interface PluginContext {
  logger: Logger;
  /** The folder of the config file: relative paths in options are relative to it. */
  baseDir: string;
  /** The destination's or source's name in the config, for messages. */
  name: string;
  /**
   * Hides the config's secrets (and text shaped like a credential) in anything the plugin puts
   * into a message; `add()` hides a value the plugin derives from its options too.
   */
  secrets: Redactor;
}

/** What a source's create() gets. */
export type SourceContext = PluginContext &
  Partial<RunContext> & {
    /**
     * Whether the job's archive format needs each file's size before its bytes (tar). When false
     * (zip), a source may give a file without a size and stream it, such as a dump read straight
     * from the program that makes it. Absent means true.
     */
    sizesUpFront?: boolean;
  };

export interface DestinationDefinition<Schema extends z.ZodType = z.ZodType> {
  type: string;
  apiVersion: number;
  options: Schema;
  /** Option keys that hold secrets: redacted in logs, errors and `config print`. */
  secrets?: readonly string[];
  capabilities: DestinationCapabilities;
  create(options: z.output<Schema>, ctx: PluginContext): Promise<Destination> | Destination;
}

export interface SourceDefinition<Schema extends z.ZodType = z.ZodType> {
  type: string;
  apiVersion: number;
  options: Schema;
  secrets?: readonly string[];
  /**
   * Whether the sources made from `options` have `fingerprint()`, so that `config check` can tell
   * a job with `skipUnchanged` that it would never be skipped: true, or why not. Absent: they
   * have none.
   */
  fingerprints?(options: z.output<Schema>): true | string;
  create(options: z.output<Schema>, ctx: SourceContext): Promise<Source> | Source;
}

export type DestinationPlugin<Schema extends z.ZodType = z.ZodType> = DestinationDefinition<Schema> & {
  readonly kind: "destination";
};
export type SourcePlugin<Schema extends z.ZodType = z.ZodType> = SourceDefinition<Schema> & {
  readonly kind: "source";
};

const TYPE_NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;

function checkCommon(what: string, def: { type: unknown; apiVersion: unknown; options: unknown }): void {
  if (typeof def.type !== "string" || !TYPE_NAME.test(def.type)) {
    throw new CairnError("PLUGIN_INVALID", `${what} type ${JSON.stringify(def.type)} is not a valid name`, {
      hint: "use lower-case letters, digits, '.', '_' and '-', or an npm package name",
    });
  }
  checkApiVersion(def.type, def.apiVersion);
  const options = def.options as { safeParse?: unknown } | undefined;
  if (typeof options?.safeParse !== "function") {
    throw new CairnError("PLUGIN_INVALID", `${what} "${def.type}" has no options schema`, {
      hint: "pass a zod schema as `options`",
    });
  }
}

export function checkApiVersion(type: string, apiVersion: unknown): void {
  if (apiVersion !== PLUGIN_API_VERSION) {
    throw new CairnError(
      "PLUGIN_INVALID",
      `plugin "${type}" was built for cairn plugin API version ${String(apiVersion)}, but this cairn speaks version ${PLUGIN_API_VERSION}`,
      { hint: `install a version of "${type}" made for plugin API ${PLUGIN_API_VERSION}` },
    );
  }
}

/**
 * Declares a destination plugin. It checks the definition now (name, API version, schema),
 * brands it so the registry can tell a plugin from any other default export, and infers
 * the option types from the schema.
 */
export function defineDestination<Schema extends z.ZodType>(
  definition: DestinationDefinition<Schema>,
): DestinationPlugin<Schema> {
  checkCommon("destination", definition);
  checkDeclaredCapabilities(definition.type, definition.capabilities);
  return Object.freeze({ ...definition, kind: "destination" as const, [PLUGIN_BRAND]: true });
}

export function defineSource<Schema extends z.ZodType>(
  definition: SourceDefinition<Schema>,
): SourcePlugin<Schema> {
  checkCommon("source", definition);
  return Object.freeze({ ...definition, kind: "source" as const, [PLUGIN_BRAND]: true });
}

export function isPlugin(value: unknown): value is DestinationPlugin | SourcePlugin {
  return (
    typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[PLUGIN_BRAND] === true
  );
}

function checkDeclaredCapabilities(type: string, capabilities: unknown): void {
  if (typeof capabilities !== "object" || capabilities === null) {
    throw new CairnError("PLUGIN_INVALID", `destination "${type}" declares no capabilities`, {
      hint: "pass `capabilities: { delete, freeSpace }` (true for what it implements)",
    });
  }
  if ((capabilities as DestinationCapabilities).atomicPut === false) {
    throw new CairnError(
      "PLUGIN_INVALID",
      `destination "${type}" declares atomicPut: false, but cairn only stores backups where a put is atomic`,
      {
        hint: "make put() write to a temporary name or an upload session and commit at the end; then leave atomicPut out",
      },
    );
  }
}
