import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { listBackups } from "../catalog/list-backups.js";
import { parseConfig } from "../config/load.js";
import { silentLogger } from "../contracts/context.js";
import type { DestinationCapabilities } from "../contracts/destination.js";
import { defineDestination, PLUGIN_API_VERSION } from "../define.js";
import { createMemoryDestination, type MemoryDestination } from "../memory-destination.js";
import { PluginRegistry } from "../registry.js";
import { pathSource } from "../sources/path-source.js";
import { linesArchiver } from "./__fixtures__/lines-archiver.js";
import { runBackup } from "./run-backup.js";

/** A memory store with a deleteMany, counting which of the two deletions core calls. */
function countingStore() {
  const store = createMemoryDestination({ deleteMany: true });
  const calls = { delete: 0, deleteMany: 0 };
  const deleteOne = store.delete.bind(store);
  const deleteMany = store.deleteMany!.bind(store);
  store.delete = async (key) => {
    calls.delete++;
    await deleteOne(key);
  };
  store.deleteMany = async (keys) => {
    calls.deleteMany++;
    await deleteMany(keys);
  };
  return { store, calls };
}

function registryWith(capabilities: DestinationCapabilities, store: MemoryDestination): PluginRegistry {
  const plugin = defineDestination({
    type: "memory",
    apiVersion: PLUGIN_API_VERSION,
    options: z.strictObject({}),
    capabilities,
    create: () => store,
  });
  return new PluginRegistry({
    destinations: [plugin],
    sources: [pathSource],
    archivers: { tar: () => linesArchiver() },
  });
}

describe("openDestination", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "cairn-open-"));
    await mkdir(join(dir, "data"));
    await writeFile(join(dir, "data", "a.txt"), "alpha");
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Three backups, then a run whose retention keeps one: two old backups go in one prune. */
  async function pruneTwo(registry: PluginRegistry) {
    const backUp = async (retention: string) => {
      const config = await parseConfig(
        `
stateDir: ./state
destinations: { shelf: { type: memory } }
jobs:
  files: { source: { type: path, path: ./data }, archive: { format: tar }, destinations: [shelf]${retention} }
`,
        join(dir, "cairn.config.yaml"),
        registry,
      );
      const job = config.jobs.get("files")!;
      const result = await runBackup({ config, job, registry, logger: silentLogger, engineVersion: "0" });
      expect(result.status).toBe("ok");
    };
    await backUp("");
    await backUp("");
    await backUp(", retention: { keepLast: 1 }");
  }

  it("prunes with deleteMany where the plugin declares it", async () => {
    const { store, calls } = countingStore();
    await pruneTwo(registryWith({ delete: true, freeSpace: false, deleteMany: true }, store));
    expect((await listBackups(store, "files")).complete).toHaveLength(1);
    expect(calls).toEqual({ delete: 0, deleteMany: 2 });
  });

  it("deletes one by one where the plugin has a deleteMany it does not declare", async () => {
    const { store, calls } = countingStore();
    await pruneTwo(registryWith({ delete: true, freeSpace: false }, store));
    expect((await listBackups(store, "files")).complete).toHaveLength(1);
    // Two backups, each a manifest and an archive.
    expect(calls).toEqual({ delete: 4, deleteMany: 0 });
  });
});
