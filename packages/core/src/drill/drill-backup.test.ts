import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CompleteBackup, listBackups } from "../catalog/list-backups.js";
import { parseConfig } from "../config/load.js";
import { silentLogger } from "../contracts/context.js";
import type { RestoredFiles, Source } from "../contracts/source.js";
import { INDEX_ENTRY_PATH } from "../entry-index/format.js";
import { serializeManifest } from "../manifest.js";
import { createMemoryDestination, type MemoryDestination } from "../memory-destination.js";
import { linesArchiver } from "../pipeline/__fixtures__/lines-archiver.js";
import { memoryRegistry } from "../pipeline/__fixtures__/memory-plugin.js";
import { runBackup } from "../pipeline/run-backup.js";
import { drillBackup } from "./drill-backup.js";

const ctx = { signal: new AbortController().signal, logger: silentLogger };
const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

describe("drillBackup", () => {
  let dir: string;
  let store: MemoryDestination;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "cairn-drill-core-"));
    await mkdir(join(dir, "data", "sub"), { recursive: true });
    for (let i = 0; i < 10; i++) await writeFile(join(dir, "data", "sub", `f${i}.txt`), `file ${i}`);
    await mkdir(join(dir, "sandbox"));
    store = createMemoryDestination();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function backUp(): Promise<CompleteBackup> {
    const registry = memoryRegistry(new Map([["one", store]]));
    const config = await parseConfig(
      "stateDir: ./state\ndestinations: { one: { type: memory, name: one } }\njobs: { files: { source: { type: path, path: ./data }, archive: { format: tar }, destinations: [one] } }\n",
      join(dir, "cairn.config.yaml"),
      registry,
    );
    await runBackup({
      config,
      job: config.jobs.get("files")!,
      registry,
      logger: silentLogger,
      engineVersion: "0",
    });
    return (await listBackups(store, "files")).complete[0]!;
  }

  /** The backup as cairn wrote it before the index: no index entry, none in the manifest. */
  async function withoutIndex(backup: CompleteBackup, keepInManifest = false): Promise<CompleteBackup> {
    const whole = store.objects.get(backup.archive.key)!.data;
    const data = whole.subarray(0, whole.lastIndexOf(Buffer.from(`{"path":"${INDEX_ENTRY_PATH}"`)));
    const { index, ...old } = backup.manifest;
    const manifest = {
      ...old,
      ...(keepInManifest ? { index } : {}),
      archive: { ...old.archive, size: data.length, sha256: sha256(data) },
    };
    store.objects.set(backup.archive.key, { data, modified: new Date() });
    store.objects.set(backup.manifestKey, { data: serializeManifest(manifest), modified: new Date() });
    return (await listBackups(store, "files")).complete[0]!;
  }

  const drill = (backup: CompleteBackup, options: Parameters<typeof drillBackup>[3] = {}) =>
    drillBackup(store, backup, linesArchiver(), { sandboxParent: join(dir, "sandbox"), ...options }, ctx);

  it("drills a backup made before the index by its SHA-256 alone, and says so", async () => {
    const result = await drill(await withoutIndex(await backUp()));
    expect(result).toMatchObject({ indexed: false, checked: 0, problemCount: 0 });
    expect(result.restored.entries).toBe(12);
    expect(await readdir(join(dir, "sandbox"))).toEqual([]);
  });

  it("fails a backup whose manifest records an index the archive lacks", async () => {
    const result = await drill(await withoutIndex(await backUp(), true));
    expect(result.problems).toEqual(["the archive lacks the entry index its manifest records"]);
  });

  it("hands the source only what the sample restored, and turns a check that throws into a failed one", async () => {
    const seen: string[] = [];
    const source: Source = {
      describe: () => "test",
      entries: async function* () {},
      async checkRestored(restored: RestoredFiles) {
        for await (const entry of restored.entries()) seen.push(entry.path);
        throw new Error("the checker's tool crashed");
      },
    };
    const result = await drill(await backUp(), { sample: 3, source });
    expect(result).toMatchObject({ indexed: true, checked: 3, problemCount: 0 });
    expect(seen).toHaveLength(3);
    for (const path of seen) expect(path).toMatch(/^data\/sub\/f\d\.txt$/);
    expect(result.sourceChecks).toEqual([
      { path: "", check: "the source's own check", status: "failed", detail: "the checker's tool crashed" },
    ]);
  });
});
