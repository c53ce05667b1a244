import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listBackups } from "../catalog/list-backups.js";
import { parseConfig } from "../config/load.js";
import { silentLogger } from "../contracts/context.js";
import type { Destination } from "../contracts/destination.js";
import type { SourceEntry } from "../contracts/source.js";
import { CairnError } from "../errors.js";
import { type Manifest, serializeManifest } from "../manifest.js";
import { createMemoryDestination } from "../memory-destination.js";
import { archiveKey, manifestKey } from "../naming.js";
import type { PluginRegistry } from "../registry.js";
import { linesArchiver } from "./__fixtures__/lines-archiver.js";
import { memoryRegistry } from "./__fixtures__/memory-plugin.js";
import { restoreBackup } from "./restore.js";
import { runBackup } from "./run-backup.js";

const ctx = { signal: new AbortController().signal, logger: silentLogger };

describe("runBackup", () => {
  let dir: string;
  let stores: Map<string, Destination>;
  let registry: PluginRegistry;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "cairn-run-"));
    await mkdir(join(dir, "data", "sub"), { recursive: true });
    await writeFile(join(dir, "data", "a.txt"), "alpha");
    await writeFile(join(dir, "data", "sub", "b.bin"), Buffer.alloc(300_000, 7));
    await utimes(
      join(dir, "data", "a.txt"),
      new Date("2021-05-06T07:08:09Z"),
      new Date("2021-05-06T07:08:09Z"),
    );
    stores = new Map<string, Destination>([
      ["one", createMemoryDestination()],
      ["two", createMemoryDestination()],
    ]);
    registry = memoryRegistry(stores);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function run(job = "files", extra = "", source = "./data") {
    const config = await parseConfig(
      `
stateDir: ./state
destinations:
  one: { type: memory, name: one }
  two: { type: memory, name: two }
jobs:
  files:
    source: { type: path, path: ${source} }
    archive: { format: tar }
    destinations: [one, two]
    ${extra}
`,
      join(dir, "cairn.config.yaml"),
      registry,
    );
    return runBackup({
      config,
      job: config.jobs.get(job)!,
      registry,
      logger: silentLogger,
      engineVersion: "0.0.0-test",
    });
  }

  it("writes the archive and then its manifest to every destination, with the SHA-256 of what was stored", async () => {
    const result = await run();
    expect(result.status).toBe("ok");
    expect(result.destinations.map((d) => d.status)).toEqual(["ok", "ok"]);
    for (const name of ["one", "two"]) {
      const catalog = await listBackups(stores.get(name)!, "files");
      expect(catalog.complete).toHaveLength(1);
      const backup = catalog.complete[0]!;
      expect(backup.id).toBe(result.id);
      const stored = await buffer(await stores.get(name)!.get(backup.archive.key, ctx));
      expect(backup.manifest.archive.sha256).toBe(createHash("sha256").update(stored).digest("hex"));
      expect(backup.manifest).toMatchObject({ job: "files", entries: 4, sourceBytes: 300_005, tags: [] });
    }
  });

  it("goes on at the other destinations when one fails, and prunes only where the upload succeeded", async () => {
    stores.set("two", createMemoryDestination({ freeBytes: 1000 }));
    const result = await run("files", "retention: { keepLast: 1 }");
    expect(result.status).toBe("partial");
    const [one, two] = result.destinations;
    expect(one).toMatchObject({ destination: "one", status: "ok" });
    expect(two).toMatchObject({ destination: "two", status: "failed", error: { code: "DESTINATION_QUOTA" } });
    expect((await listBackups(stores.get("one")!, "files")).complete).toHaveLength(1);
    const atTwo = await listBackups(stores.get("two")!, "files");
    expect(atTwo.complete).toHaveLength(0);
  });

  it("takes nothing for a backup when the source is missing, and keeps what was there", async () => {
    const first = await run();
    expect(first.status).toBe("ok");
    const result = await run("files", "retention: { keepLast: 1 }", "./missing");
    expect(result.status).toBe("failed");
    expect(result.error).toMatchObject({ code: "SOURCE_NOT_FOUND" });
    expect(result.error!.message).toContain("missing");
    const catalog = await listBackups(stores.get("one")!, "files");
    expect(catalog.complete.map((b) => b.id)).toEqual([first.id]);
    expect(catalog.incomplete).toHaveLength(0);
  });

  it("applies retention after each run: maxCount 5 over six runs keeps the five newest", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await run("files", "retention: { maxCount: 5 }")).id);
    for (const name of ["one", "two"]) {
      const catalog = await listBackups(stores.get(name)!, "files");
      expect(catalog.complete.map((b) => b.id).sort()).toEqual(ids.slice(1).sort());
      expect(catalog.incomplete).toHaveLength(0);
    }
  });

  it("leaves no complete-looking backup when the run is aborted mid-stream", async () => {
    await writeFile(join(dir, "data", "big.bin"), Buffer.alloc(40 * 1024 * 1024, 1));
    const config = await parseConfig(
      "stateDir: ./state\ndestinations: { one: { type: memory, name: one } }\njobs: { files: { source: { type: path, path: ./data }, archive: { format: tar }, destinations: [one] } }\n",
      join(dir, "cairn.config.yaml"),
      registry,
    );
    const abort = new AbortController();
    const result = await runBackup({
      config,
      job: config.jobs.get("files")!,
      registry,
      logger: silentLogger,
      engineVersion: "0",
      signal: abort.signal,
      onProgress: (p) => {
        if (p.entries >= 3) abort.abort();
      },
    });
    expect(result.status).toBe("failed");
    const catalog = await listBackups(stores.get("one")!, "files");
    expect(catalog.complete).toHaveLength(0);
  });

  it("restores byte-identical files with their mtimes", async () => {
    const result = await run();
    const backup = (await listBackups(stores.get("one")!, "files")).complete[0]!;
    const target = join(dir, "restored");
    const restored = await restoreBackup(
      stores.get("one")!,
      backup,
      linesArchiver(),
      { target, overwrite: false },
      ctx,
    );
    expect(restored).toMatchObject({ id: result.id, entries: 4, bytes: 300_005 });
    expect(await readFile(join(target, "data", "sub", "b.bin"))).toEqual(
      await readFile(join(dir, "data", "sub", "b.bin")),
    );
    expect((await stat(join(target, "data", "a.txt"))).mtime.toISOString()).toBe("2021-05-06T07:08:09.000Z");
    await expect(
      restoreBackup(stores.get("one")!, backup, linesArchiver(), { target, overwrite: false }, ctx),
    ).rejects.toSatisfy((e) => CairnError.is(e, "RESTORE_CONFLICT"));
  });

  /** Stores a tar of `entries` as a complete backup, as a hostile or broken writer could. */
  async function craftedBackup(entries: SourceEntry[]) {
    const store = stores.get("one")!;
    const body = await buffer(
      linesArchiver().write(
        (async function* () {
          yield* entries;
        })(),
        ctx,
      ),
    );
    const id = "files-20260102T000000Z-dcba";
    const key = archiveKey("files", id, ".tar");
    await store.put(key, Readable.from([body]), { signal: ctx.signal });
    const manifest: Manifest = {
      manifestVersion: 1,
      id,
      job: "files",
      createdAt: "2026-01-02T00:00:00.000Z",
      host: "test",
      source: "crafted",
      archive: {
        key,
        format: "tar",
        size: body.length,
        sha256: createHash("sha256").update(body).digest("hex"),
      },
      entries: entries.length,
      sourceBytes: 0,
      tags: [],
      engine: { name: "cairn", version: "0" },
    };
    await store.put(manifestKey("files", id), Readable.from([serializeManifest(manifest)]), {
      signal: ctx.signal,
    });
    return (await listBackups(store, "files")).complete.find((b) => b.id === id)!;
  }

  const smallFile = (path: string): SourceEntry => ({
    path,
    type: "file",
    size: 2,
    mtime: new Date("2024-01-01T00:00:00Z"),
    mode: 0o644,
    open: () => Readable.from([Buffer.from("ok")]),
  });

  // Small files are written while the archive reads on: what comes after them is still judged
  // against everything before, and a failure still leaves the target as it was.
  it("refuses a file through a link that many small files came before, restoring nothing", async () => {
    const outside = join(dir, "outside");
    await mkdir(outside);
    const backup = await craftedBackup([
      ...Array.from({ length: 40 }, (_, i) => smallFile(`many/f${i}.txt`)),
      { ...smallFile("link"), type: "symlink", size: 0, linkTarget: outside },
      smallFile("link/evil.txt"),
    ]);
    const target = join(dir, "restore-linked");
    await expect(
      restoreBackup(stores.get("one")!, backup, linesArchiver(), { target, overwrite: false }, ctx),
    ).rejects.toSatisfy((e) => CairnError.is(e, "RESTORE_UNSAFE"));
    expect(await readdir(outside)).toEqual([]);
    expect(await readdir(target)).toEqual([]);
  });

  it("stops at a small file that comes twice, restoring nothing", async () => {
    const backup = await craftedBackup([
      ...Array.from({ length: 40 }, (_, i) => smallFile(`many/f${i}.txt`)),
      smallFile("many/f3.txt"),
    ]);
    const target = join(dir, "restore-twice");
    await expect(
      restoreBackup(stores.get("one")!, backup, linesArchiver(), { target, overwrite: false }, ctx),
    ).rejects.toSatisfy((e) => CairnError.is(e, "RESTORE_CONFLICT"));
    expect(await readdir(target)).toEqual([]);
  });

  it("refuses to restore an archive whose entries climb out of the target", async () => {
    const store = stores.get("one")!;
    const backup = await craftedBackup([
      { ...smallFile("../escaped.txt"), size: 4, open: () => Readable.from([Buffer.from("evil")]) },
    ]);
    const target = join(dir, "restore-here");
    await expect(
      restoreBackup(store, backup, linesArchiver(), { target, overwrite: false }, ctx),
    ).rejects.toSatisfy((e) => CairnError.is(e, "RESTORE_UNSAFE"));
    await expect(stat(join(dir, "escaped.txt"))).rejects.toThrow();
  });

  it("reports the run to the job's webhook, failures included", async () => {
    const { createServer } = await import("node:http");
    const bodies: { status: string; job: string }[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req
        .on("data", (c) => (body += c))
        .on("end", () => {
          bodies.push(JSON.parse(body));
          res.end();
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
    try {
      await run("files", `notify: [{ type: webhook, url: "${url}" }]`);
      await run("files", `notify: [{ type: webhook, url: "${url}" }]`, "./missing");
    } finally {
      server.close();
    }
    expect(bodies.map((b) => [b.job, b.status])).toEqual([
      ["files", "ok"],
      ["files", "failed"],
    ]);
  });
});
