import { lstat, readdir } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import picomatch from "picomatch";
import { expandHome } from "../config/secrets.js";
import type { RunContext } from "../contracts/context.js";
import type { Source, SourcePart, SplitSource } from "../contracts/source.js";
import { defineSource, PLUGIN_API_VERSION } from "../define.js";
import { CairnError } from "../errors.js";
import { fingerprintWalk } from "./fingerprint-walk.js";
import { newestChange } from "./newest-change.js";
import { type PathSourceOptions, pathSourceOptions } from "./path-options.js";
import { type WalkFilter, walk } from "./walk.js";

type Filters = Pick<PathSourceOptions, "include" | "exclude">;

/** Files and folders. Entries are named under the folder's (or file's) own name, as `zip -r` does. */
export const pathSource = defineSource({
  type: "path",
  apiVersion: PLUGIN_API_VERSION,
  options: pathSourceOptions,
  fingerprints: (options) =>
    options.each === "entry"
      ? "each: entry already backs up only the entries a destination lacks, so there is nothing to skip"
      : true,
  create(options, ctx) {
    const full = resolve(ctx.baseDir, expandHome(options.path));
    if (options.each === "entry") return createEachEntrySource(full, options);
    return createPathSource(full, options);
  },
});

export function createPathSource(path: string, options: Filters = {}): Source {
  const filter = makeFilter(basename(path), options);
  return {
    describe: () => `path ${path}`,
    async fingerprint() {
      await checkExists(path);
      const settings = { path, include: options.include ?? [], exclude: options.exclude ?? [] };
      return fingerprintWalk(walk(path, basename(path), filter), settings);
    },
    async *entries() {
      await checkExists(path);
      yield* walk(path, basename(path), filter);
    },
  };
}

/** Every top-level entry under `path` as its own backup; entries changed within `settle` wait. */
export function createEachEntrySource(
  path: string,
  options: Filters & { settle?: number | undefined } = {},
): SplitSource {
  // A job of one backup per entry has nothing to skip as a whole (see `fingerprints` above).
  const { fingerprint: _whole, ...whole } = createPathSource(path, options);
  const excludeTop = options.exclude?.length
    ? picomatch(options.exclude, { dot: true, basename: true })
    : undefined;
  return {
    ...whole,
    describe: () => `each entry of ${path}`,
    async *parts(ctx: RunContext): AsyncGenerator<SourcePart> {
      await checkExists(path);
      for (const name of (await readdir(path)).sort()) {
        if (excludeTop?.(name)) continue;
        const full = join(path, name);
        const modified = await newestChange(full);
        if (options.settle !== undefined && Date.now() - modified.getTime() < options.settle) {
          ctx.logger.info(
            `${name} changed ${Math.round((Date.now() - modified.getTime()) / 1000)} s ago; it waits until it settles`,
          );
          continue;
        }
        yield {
          name,
          modified,
          source: { ...createPathSource(full, options), describe: () => `path ${full}` },
        };
      }
    },
  };
}

async function checkExists(path: string): Promise<void> {
  await lstat(path).catch((cause: NodeJS.ErrnoException) => {
    if (cause.code === "ENOENT") {
      throw new CairnError("SOURCE_NOT_FOUND", `source path ${path} does not exist`, {
        cause,
        hint: "check the job's source.path (relative paths are relative to the config file)",
      });
    }
    throw new CairnError("SOURCE_UNREADABLE", `cannot read source path ${path}: ${cause.code}`, { cause });
  });
}

function makeFilter(rootName: string, options: Filters): WalkFilter {
  const inside = (rel: string) => rel.slice(rootName.length + 1);
  const matcher = (patterns: string[]) => picomatch(patterns, { dot: true, basename: true });
  const exclude = options.exclude?.length ? matcher(options.exclude) : undefined;
  const include = options.include?.length ? matcher(options.include) : undefined;
  return {
    selective: include !== undefined,
    excluded: (rel, isDirectory) =>
      exclude !== undefined && (exclude(inside(rel)) || (isDirectory && exclude(`${inside(rel)}/`))),
    included: (rel) => include === undefined || include(inside(rel)),
  };
}
