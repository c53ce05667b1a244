import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineSource, PLUGIN_API_VERSION } from "../define.js";
import { memoryPlugin } from "../pipeline/__fixtures__/memory-plugin.js";
import { PluginRegistry } from "../registry.js";
import { pathSource } from "../sources/path-source.js";
import { parseConfig } from "./load.js";
import { configWarnings } from "./warnings.js";

/** A source like a database dump: it can only be known by reading it. */
const dump = defineSource({
  type: "dump",
  apiVersion: PLUGIN_API_VERSION,
  options: z.strictObject({}),
  create: () => ({ describe: () => "dump", async *entries() {} }),
});

async function warningsFor(source: string, skip = "true"): Promise<string[]> {
  const registry = new PluginRegistry({
    destinations: [memoryPlugin(new Map())],
    sources: [pathSource, dump],
  });
  const config = await parseConfig(
    `destinations: { disk: { type: memory, name: disk } }
jobs:
  files:
    source: ${source}
    destinations: [disk]
    skipUnchanged: ${skip}
`,
    join("/tmp", "cairn.config.yaml"),
    registry,
  );
  return configWarnings(config);
}

describe("skipUnchanged in config check", () => {
  it("has nothing to say about a folder, which can be fingerprinted", async () => {
    expect(await warningsFor("{ type: path, path: ./data }")).toEqual([]);
  });

  it("says a source that cannot tell cheaply whether it changed is never skipped", async () => {
    const warnings = await warningsFor("{ type: dump }");
    expect(warnings).toEqual([
      "jobs.files.skipUnchanged: has no effect with the dump source: it cannot tell cheaply whether it changed; every run uploads. Remove skipUnchanged to say so",
    ]);
  });

  it("says it does not apply to each: entry, which already backs up only what is new", async () => {
    const warnings = await warningsFor("{ type: path, path: ./data, each: entry }");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^jobs\.files\.skipUnchanged: has no effect with the path source: each: entry/,
    );
  });

  it("has nothing to say when the job does not ask to skip", async () => {
    expect(await warningsFor("{ type: dump }", "false")).toEqual([]);
  });

  it("refuses a value that is not true or false, naming the key", async () => {
    await expect(warningsFor("{ type: path, path: ./data }", "sometimes")).rejects.toThrow(
      /jobs\.files\.skipUnchanged: /,
    );
  });
});
