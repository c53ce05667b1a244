import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineDestination, PLUGIN_API_VERSION } from "../define.js";
import { createMemoryDestination } from "../memory-destination.js";
import { memoryPlugin } from "../pipeline/__fixtures__/memory-plugin.js";
import { PluginRegistry } from "../registry.js";
import { pathSource } from "../sources/path-source.js";
import { parseConfig } from "./load.js";
import { configWarnings } from "./warnings.js";

const leasing = defineDestination({
  type: "leasing",
  apiVersion: PLUGIN_API_VERSION,
  options: z.strictObject({}),
  capabilities: { delete: true, freeSpace: false, exclusiveCreate: true },
  create: () => createMemoryDestination(),
});

async function warningsFor(retention: string): Promise<string[]> {
  const registry = new PluginRegistry({
    destinations: [memoryPlugin(new Map()), leasing],
    sources: [pathSource],
  });
  const config = await parseConfig(
    `destinations:
  plain: { type: memory, name: plain }
  safe: { type: leasing }
jobs:
  db:
    source: { type: path, path: ./data }
    destinations: [plain, safe]
    retention: ${retention}
`,
    join("/tmp", "cairn.config.yaml"),
    registry,
  );
  return configWarnings(config);
}

describe("config warnings", () => {
  it("warns where a shared retention group meets a destination that cannot hold a lease", async () => {
    const warnings = await warningsFor("{ keepLast: 3, groupBy: job }");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^jobs\.db\.retention\.groupBy: destination "plain" \(memory\) cannot hold a lease/,
    );
    expect(warnings[0]).toMatch(/prune from one host only/);
  });

  it("has nothing to say about per-host groups, which never prune another host's backups", async () => {
    expect(await warningsFor("{ keepLast: 3 }")).toEqual([]);
  });
});
