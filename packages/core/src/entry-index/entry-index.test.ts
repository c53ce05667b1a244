import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listBackups } from "../catalog/list-backups.js";
import { parseConfig } from "../config/load.js";
import { silentLogger } from "../contracts/context.js";
import { type Manifest, parseManifest, serializeManifest } from "../manifest.js";
import { createMemoryDestination, type MemoryDestination } from "../memory-destination.js";
import { linesArchiver } from "../pipeline/__fixtures__/lines-archiver.js";
import { memoryRegistry } from "../pipeline/__fixtures__/memory-plugin.js";
import { restoreBackup } from "../pipeline/restore.js";
import { runBackup } from "../pipeline/run-backup.js";
import { verifyBackup } from "../pipeline/verify.js";
import { INDEX_ENTRY_PATH, type IndexLine, readIndex } from "./format.js";

const ctx = { signal: new AbortController().signal, logger: silentLogger };
const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

describe("per-entry index", () => {
  let dir: string;
  let store: MemoryDestination;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "cairn-index-test-"));
    await mkdir(join(dir, "data", "sub"), { recursive: true });
    await writeFile(join(dir, "data", "a.txt"), "alpha");
    await writeFile(join(dir, "data", "sub", 'line\nbreak "quoted".txt'), "beta");
    await writeFile(join(dir, "data", "sub", "big.bin"), Buffer.alloc(2 * 1024 * 1024, 9));
    await symlink("a.txt", join(dir, "data", "link"));
    store = createMemoryDestination();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function backUp() {
    const registry = memoryRegistry(new Map([["one", store]]));
    const config = await parseConfig(
      "stateDir: ./state\ndestinations: { one: { type: memory, name: one } }\njobs: { files: { source: { type: path, path: ./data }, archive: { format: tar }, destinations: [one] } }\n",
      join(dir, "cairn.config.yaml"),
      registry,
    );
    const result = await runBackup({
      config,
      job: config.jobs.get("files")!,
      registry,
      logger: silentLogger,
      engineVersion: "0",
    });
    expect(result.status).toBe("ok");
    const [newest] = (await listBackups(store, "files")).complete;
    return newest!;
  }

  async function readStoredIndex(manifest: Manifest): Promise<IndexLine[]> {
    const entries = linesArchiver().read(Readable.from([store.objects.get(manifest.archive.key)!.data]), ctx);
    const all = [];
    for await (const entry of entries) all.push(entry);
    expect(all).toHaveLength(manifest.entries + 1);
    const last = all.at(-1)!;
    expect(last.path).toBe(INDEX_ENTRY_PATH);
    const lines: IndexLine[] = [];
    for await (const line of readIndex(last.content!, "test")) lines.push(line);
    return lines;
  }

  it("records every entry with its SHA-256 as the archive's last entry, and the manifest records the index's", async () => {
    const backup = await backUp();
    const { manifest } = backup;
    expect(manifest.entries).toBe(6);
    expect(manifest.index).toMatchObject({ path: INDEX_ENTRY_PATH, files: 3 });
    const lines = await readStoredIndex(manifest);
    expect(lines.map((l) => [l.path, l.type])).toEqual([
      ["data", "directory"],
      ["data/a.txt", "file"],
      ["data/link", "symlink"],
      ["data/sub", "directory"],
      ["data/sub/big.bin", "file"],
      ['data/sub/line\nbreak "quoted".txt', "file"],
    ]);
    expect(lines[1]).toMatchObject({ size: 5, sha256: sha256("alpha") });
    expect(lines[2]).toMatchObject({ target: "a.txt" });
    expect(lines[4]).toMatchObject({
      size: 2 * 1024 * 1024,
      sha256: sha256(Buffer.alloc(2 * 1024 * 1024, 9)),
    });
    // The index in the archive is the one the manifest vouches for.
    const archive = store.objects.get(manifest.archive.key)!.data;
    const text = archive.toString("latin1");
    const start = text.indexOf('{"cairnIndex":1}');
    expect(sha256(archive.subarray(start))).toBe(manifest.index!.sha256);
  });

  it("verify names the file whose content changed, even when the archive's SHA-256 was updated to match", async () => {
    const backup = await backUp();
    expect(await verifyBackup(store, backup, linesArchiver(), ctx)).toMatchObject({
      ok: true,
      indexed: true,
    });

    const stored = store.objects.get(backup.archive.key)!;
    const at = stored.data.indexOf("alpha");
    stored.data[at] = "A".charCodeAt(0);
    const manifest: Manifest = {
      ...backup.manifest,
      archive: { ...backup.manifest.archive, sha256: sha256(stored.data) },
    };
    store.objects.set(backup.manifestKey, { data: serializeManifest(manifest), modified: new Date() });
    const [tampered] = (await listBackups(store, "files")).complete;

    const result = await verifyBackup(store, tampered!, linesArchiver(), ctx);
    expect(result.ok).toBe(false);
    expect(result.error?.code).toBe("VERIFY_FAILED");
    expect(result.error?.message).toMatch(
      /^1 entry differs from the backup's index: "data\/a\.txt" has different content in the archive/,
    );
    expect(result.problems).toHaveLength(1);
  });

  it("keeps restoring and verifying a backup made before the index: no index entry, no index in the manifest", async () => {
    const backup = await backUp();
    const { index: _index, ...old } = backup.manifest;
    // The archive as cairn wrote it before the index: the same entries, without the last one.
    const whole = store.objects.get(backup.archive.key)!.data;
    const data = whole.subarray(0, whole.lastIndexOf(Buffer.from(`{"path":"${INDEX_ENTRY_PATH}"`)));
    const manifest = { ...old, archive: { ...old.archive, size: data.length, sha256: sha256(data) } };
    store.objects.set(backup.archive.key, { data, modified: new Date() });
    store.objects.set(backup.manifestKey, { data: serializeManifest(manifest), modified: new Date() });
    const [oldBackup] = (await listBackups(store, "files")).complete;
    expect(parseManifest(serializeManifest(manifest).toString(), "m").index).toBeUndefined();

    expect(await verifyBackup(store, oldBackup!, linesArchiver(), ctx)).toMatchObject({
      ok: true,
      indexed: false,
      entries: 6,
    });
    const target = join(dir, "restored");
    const restored = await restoreBackup(
      store,
      oldBackup!,
      linesArchiver(),
      { target, overwrite: false },
      ctx,
    );
    expect(restored.entries).toBe(6);
    expect(await readFile(join(target, "data", "a.txt"), "utf8")).toBe("alpha");
  });

  it("restore never writes the index into the target", async () => {
    const backup = await backUp();
    const target = join(dir, "restored");
    const restored = await restoreBackup(store, backup, linesArchiver(), { target, overwrite: false }, ctx);
    expect(restored.entries).toBe(6);
    await expect(readFile(join(target, INDEX_ENTRY_PATH))).rejects.toMatchObject({ code: "ENOENT" });
  });
});
