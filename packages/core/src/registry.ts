import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { ArchiveFormat, ArchiverFactory } from "./contracts/archiver.js";
import { checkApiVersion, type DestinationPlugin, isPlugin, type SourcePlugin } from "./define.js";
import { CairnError } from "./errors.js";

/**
 * Knows every plugin a run may use: built-ins by short `type`, third-party ones by npm
 * package name, loaded on first use and resolved from the config file's folder.
 */
export class PluginRegistry {
  readonly #destinations = new Map<string, DestinationPlugin>();
  readonly #sources = new Map<string, SourcePlugin>();
  readonly #archivers = new Map<ArchiveFormat, ArchiverFactory>();

  constructor(
    builtins: {
      destinations?: DestinationPlugin[];
      sources?: SourcePlugin[];
      archivers?: Partial<Record<ArchiveFormat, ArchiverFactory>>;
    } = {},
  ) {
    for (const plugin of builtins.destinations ?? []) this.#destinations.set(plugin.type, plugin);
    for (const plugin of builtins.sources ?? []) this.#sources.set(plugin.type, plugin);
    for (const [format, factory] of Object.entries(builtins.archivers ?? {})) {
      if (factory) this.#archivers.set(format as ArchiveFormat, factory);
    }
  }

  get destinationTypes(): DestinationPlugin[] {
    return [...new Set(this.#destinations.values())];
  }

  get sourceTypes(): SourcePlugin[] {
    return [...new Set(this.#sources.values())];
  }

  archiver(format: ArchiveFormat): ArchiverFactory {
    const factory = this.#archivers.get(format);
    if (!factory) throw new CairnError("PLUGIN_NOT_FOUND", `no archiver for format "${format}" is installed`);
    return factory;
  }

  /** Loads a plugin package and registers what its default export defines. */
  async load(specifier: string, baseDir: string): Promise<DestinationPlugin | SourcePlugin> {
    const plugin = await importPlugin(specifier, baseDir);
    if (plugin.kind === "destination") {
      this.#destinations.set(specifier, plugin);
      this.#destinations.set(plugin.type, plugin);
    } else {
      this.#sources.set(specifier, plugin);
      this.#sources.set(plugin.type, plugin);
    }
    return plugin;
  }

  async destination(type: string, baseDir: string): Promise<DestinationPlugin> {
    const known = this.#destinations.get(type);
    if (known) return known;
    if (!looksLikePackage(type)) throw unknownType("destination", type, [...this.#destinations.keys()]);
    const plugin = await this.load(type, baseDir);
    if (plugin.kind !== "destination") {
      throw new CairnError(
        "PLUGIN_INVALID",
        `package "${type}" is a ${plugin.kind} plugin, not a destination`,
      );
    }
    return plugin;
  }

  async source(type: string, baseDir: string): Promise<SourcePlugin> {
    const known = this.#sources.get(type);
    if (known) return known;
    if (!looksLikePackage(type)) throw unknownType("source", type, [...this.#sources.keys()]);
    const plugin = await this.load(type, baseDir);
    if (plugin.kind !== "source") {
      throw new CairnError("PLUGIN_INVALID", `package "${type}" is a ${plugin.kind} plugin, not a source`);
    }
    return plugin;
  }
}

function looksLikePackage(type: string): boolean {
  return type.startsWith("@") || type.includes("-") || type.includes("/");
}

function unknownType(kind: string, type: string, known: string[]): CairnError {
  return new CairnError("CONFIG_INVALID", `unknown ${kind} type "${type}"`, {
    hint: `built-in ${kind} types are ${known.map((k) => `"${k}"`).join(", ")}; a plugin is named by its npm package, e.g. "cairn-${kind}-webdav"`,
  });
}

async function importPlugin(specifier: string, baseDir: string): Promise<DestinationPlugin | SourcePlugin> {
  const entry = await resolvePackage(specifier, baseDir);
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(entry).href)) as { default?: unknown };
  } catch (cause) {
    throw new CairnError(
      "PLUGIN_INVALID",
      `plugin "${specifier}" failed to load: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
  const plugin = mod.default;
  if (!isPlugin(plugin)) {
    throw new CairnError(
      "PLUGIN_INVALID",
      `package "${specifier}" does not export a cairn plugin as its default export`,
      {
        hint: "a plugin's default export is the result of defineDestination(...) or defineSource(...) from @cairn/core",
      },
    );
  }
  // The plugin may have been defined with another copy of core: check it against this one.
  checkApiVersion(specifier, plugin.apiVersion);
  return plugin;
}

/** Node's own resolution from the config's folder, with a fallback for packages that only export `import`. */
async function resolvePackage(specifier: string, baseDir: string): Promise<string> {
  const require = createRequire(join(baseDir, "cairn.config.js"));
  try {
    return require.resolve(specifier);
  } catch {
    // fall through: ESM-only exports are not visible to require.resolve
  }
  for (let dir = baseDir; ; dir = dirname(dir)) {
    const pkgDir = join(dir, "node_modules", specifier);
    const manifest = await readFile(join(pkgDir, "package.json"), "utf8").catch(() => undefined);
    if (manifest) return join(pkgDir, entryOf(JSON.parse(manifest) as PackageJson));
    if (dirname(dir) === dir) break;
  }
  throw new CairnError(
    "PLUGIN_NOT_FOUND",
    `plugin package "${specifier}" is not installed (looked from ${baseDir})`,
    {
      hint: `run \`npm install ${specifier}\` in ${baseDir}`,
    },
  );
}

interface PackageJson {
  main?: string;
  exports?: unknown;
}

function entryOf(pkg: PackageJson): string {
  let target: unknown = pkg.exports;
  if (typeof target === "object" && target !== null && "." in target)
    target = (target as Record<string, unknown>)["."];
  while (typeof target === "object" && target !== null) {
    const conditions = target as Record<string, unknown>;
    target = conditions.import ?? conditions.node ?? conditions.default;
  }
  return typeof target === "string" ? target : (pkg.main ?? "index.js");
}
