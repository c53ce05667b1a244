import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Readable, Transform } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../config/load.js";
import { silentLogger } from "../contracts/context.js";
import type { SourceEntry } from "../contracts/source.js";
import { parseManifest } from "../manifest.js";
import { createMemoryDestination, type MemoryDestination } from "../memory-destination.js";
import { memoryRegistry } from "./__fixtures__/memory-plugin.js";
import type { BackupProgress } from "./results.js";
import { uploadBackup } from "./upload.js";
import { countEntries, type UploadLayer } from "./upload-layers.js";

describe("upload layers", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "cairn-layers-"));
    await mkdir(join(dir, "data"));
    await writeFile(join(dir, "data", "a.txt"), "alpha");
    await writeFile(join(dir, "data", "b.txt"), "beta");
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("store what the last layer puts out, under its extension, and let each layer add to the manifest", async () => {
    const store = createMemoryDestination() as MemoryDestination;
    const registry = memoryRegistry(new Map([["one", store]]));
    const config = await parseConfig(
      "stateDir: ./state\ndestinations: { one: { type: memory, name: one } }\njobs: { files: { source: { type: path, path: ./data }, archive: { format: tar }, destinations: [one] } }\n",
      join(dir, "cairn.config.yaml"),
      registry,
    );
    const job = config.jobs.get("files")!;
    const seen: string[] = [];
    const onlyA: UploadLayer = {
      async *entries(entries: AsyncIterable<SourceEntry>) {
        for await (const entry of entries) {
          seen.push(entry.path);
          if (!entry.path.endsWith("b.txt")) yield entry;
        }
      },
    };
    const upperCase: UploadLayer = {
      extension: ".upper",
      bytes: (archive: Readable) =>
        archive.pipe(
          new Transform({
            transform: (chunk: Buffer, _e, done) => done(null, Buffer.from(chunk.toString().toUpperCase())),
          }),
        ),
      manifest: () => ({ tags: ["shouted"] }),
    };
    const progress: BackupProgress = { entries: 0, sourceBytes: 0, archiveBytes: 0, currentPath: undefined };
    const result = await uploadBackup({
      config,
      job,
      registry,
      engineVersion: "0",
      source: await job.source.plugin.create(job.source.options, {
        signal: new AbortController().signal,
        logger: silentLogger,
        baseDir: config.baseDir,
        name: "files",
        secrets: config.secrets,
        sizesUpFront: true,
      }),
      name: "files",
      destinations: [{ name: "one", configured: config.destinations.get("one")!, destination: store }],
      started: new Date(),
      now: () => new Date(),
      ctx: { signal: new AbortController().signal, logger: silentLogger },
      layers: [onlyA, countEntries(progress, undefined), upperCase],
    });

    expect(result.status).toBe("ok");
    const archiveKey = result.destinations[0]!.archiveKey!;
    expect(archiveKey).toMatch(/\.tar\.upper$/);
    const stored = store.objects.get(archiveKey)!.data;
    expect(stored.toString()).toContain("ALPHA");
    expect(stored.toString()).not.toContain("BETA");
    const manifestKey = [...store.objects.keys()].find((k) => k.endsWith(".manifest.json"))!;
    const manifest = parseManifest(store.objects.get(manifestKey)!.data.toString(), manifestKey);
    expect(manifest.archive).toMatchObject({
      key: archiveKey,
      size: stored.length,
      sha256: createHash("sha256").update(stored).digest("hex"),
    });
    // The counting layer sits after the filter: it counts what reaches the archive.
    expect(manifest).toMatchObject({ entries: 2, sourceBytes: 5, tags: ["shouted"] });
    expect(seen).toHaveLength(3);
  });
});
