import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buffer } from "node:stream/consumers";
import { generateIdentity, identityToRecipient } from "age-encryption";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listBackups } from "../catalog/list-backups.js";
import { parseConfig } from "../config/load.js";
import { silentLogger } from "../contracts/context.js";
import type { Destination } from "../contracts/destination.js";
import { parseIdentities } from "../encryption/keys.js";
import { CairnError } from "../errors.js";
import { serializeManifest } from "../manifest.js";
import { createMemoryDestination, type MemoryDestination } from "../memory-destination.js";
import { manifestKey } from "../naming.js";
import type { PluginRegistry } from "../registry.js";
import { jobStatus } from "../status/job-status.js";
import { linesArchiver } from "./__fixtures__/lines-archiver.js";
import { memoryRegistry } from "./__fixtures__/memory-plugin.js";
import { applyRetention } from "./apply-retention.js";
import { restoreBackup } from "./restore.js";
import { runBackup } from "./run-backup.js";
import { verifyBackup } from "./verify.js";

const ctx = { signal: new AbortController().signal, logger: silentLogger };
const MARKER = "cairn-plaintext-marker-7f3a";

describe("an encrypted backup", () => {
  let dir: string;
  let stores: Map<string, MemoryDestination>;
  let registry: PluginRegistry;
  let identity: string;
  let recipient: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "cairn-enc-"));
    await mkdir(join(dir, "data", "sub"), { recursive: true });
    await writeFile(join(dir, "data", "a.txt"), `${MARKER}\n`.repeat(1000));
    await writeFile(join(dir, "data", "sub", "b.txt"), MARKER);
    stores = new Map([
      ["one", createMemoryDestination()],
      ["two", createMemoryDestination()],
    ]);
    registry = memoryRegistry(stores as Map<string, Destination>);
    identity = await generateIdentity();
    recipient = await identityToRecipient(identity);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function backUp() {
    const config = await parseConfig(
      `
stateDir: ./state
destinations:
  one: { type: memory, name: one }
  two: { type: memory, name: two }
jobs:
  files:
    source: { type: path, path: ./data }
    archive: { format: tar }
    encryption: { recipients: ["${recipient}"] }
    destinations: [one, two]
`,
      join(dir, "cairn.config.yaml"),
      registry,
    );
    const job = config.jobs.get("files")!;
    const result = await runBackup({
      config,
      job,
      registry,
      logger: silentLogger,
      engineVersion: "0.0.0-test",
    });
    expect(result.status).toBe("ok");
    return { config, job };
  }

  const stored = async (store: MemoryDestination, key: string) => buffer(await store.get(key, ctx));
  const keys = async () => ({ identities: await parseIdentities(identity), passphrases: [] });

  async function restoreInto(target: string, decryption?: Awaited<ReturnType<typeof keys>>) {
    const [backup] = (await listBackups(stores.get("one")!, "files")).complete;
    return restoreBackup(
      stores.get("one")!,
      backup!,
      linesArchiver(),
      { target, overwrite: false, ...(decryption ? { decryption } : {}) },
      ctx,
    );
  }

  it("stores one age file, the same at every destination, with its SHA-256 and recipients in the manifest", async () => {
    await backUp();
    const [backup] = (await listBackups(stores.get("one")!, "files")).complete;
    expect(backup?.archive.key).toMatch(/^files\/files-\d{8}T\d{6}Z-[a-z0-9]{4}\.tar\.age$/);
    const one = await stored(stores.get("one")!, backup!.archive.key);
    const two = await stored(stores.get("two")!, backup!.archive.key);
    expect(one.equals(two)).toBe(true);
    expect(one.subarray(0, 22).toString()).toBe("age-encryption.org/v1\n");
    for (const [key] of stores.get("one")!.objects) {
      expect((await stored(stores.get("one")!, key)).includes(MARKER), key).toBe(false);
    }
    expect(backup!.manifest.encryption).toEqual({ format: "age", recipients: [recipient] });
    expect(JSON.stringify(backup!.manifest)).not.toContain(identity);
    expect(backup!.manifest.archive.size).toBe(one.length);
  });

  it("is listed, counted by retention and seen by status without any key", async () => {
    await backUp();
    await new Promise((r) => setTimeout(r, 1100)); // ids are to the second
    const { config, job } = await backUp();
    const catalog = await listBackups(stores.get("one")!, "files");
    expect(catalog.complete).toHaveLength(2);
    expect(catalog.incomplete).toHaveLength(0);
    const run = await applyRetention(
      stores.get("one")!,
      "files",
      { keepLast: 1 },
      {
        now: new Date(),
        timeZone: "UTC",
        dryRun: false,
        logger: silentLogger,
      },
    );
    expect(run.removed).toEqual([catalog.complete[1]!.id]);
    expect([...stores.get("one")!.objects.keys()].filter((k) => k.endsWith(".tar.age"))).toHaveLength(1);
    const status = await jobStatus(config, job, silentLogger, new Date());
    expect(status.destinations[0]).toMatchObject({ backups: 1, newest: { id: catalog.complete[0]!.id } });
  });

  it("restores with its identity, and verifies fully with it or as stored without it", async () => {
    await backUp();
    const target = join(dir, "restored");
    await restoreInto(target, await keys());
    expect(await readFile(join(target, "data", "sub", "b.txt"), "utf8")).toBe(MARKER);

    const [backup] = (await listBackups(stores.get("one")!, "files")).complete;
    const full = await verifyBackup(stores.get("one")!, backup!, linesArchiver(), ctx, await keys());
    expect(full).toMatchObject({ ok: true, contentsChecked: true, entries: 4 });
    const stored = await verifyBackup(stores.get("one")!, backup!, linesArchiver(), ctx);
    expect(stored).toMatchObject({ ok: true, contentsChecked: false });
  });

  it("without a fitting identity, fails naming the recipient and restores nothing", async () => {
    await backUp();
    const target = join(dir, "restored");
    const missing = await restoreInto(target).catch((e: unknown) => e as CairnError);
    expect(CairnError.is(missing, "DECRYPT_NO_IDENTITY")).toBe(true);
    expect((missing as CairnError).message).toContain(recipient);
    const other = await parseIdentities(await generateIdentity());
    const wrong = await restoreInto(target, { identities: other, passphrases: [] }).catch((e: unknown) => e);
    expect(CairnError.is(wrong, "DECRYPT_NO_IDENTITY")).toBe(true);
    expect(await readdir(target).catch(() => [])).toEqual([]);
  });

  // The manifest is made to match the damaged object, so only decryption can notice.
  it.each([
    ["truncated", (file: Buffer) => file.subarray(0, file.length - 100)],
    [
      "one flipped byte",
      (file: Buffer) => Buffer.from(file.map((b, i) => (i === file.length - 50 ? b ^ 1 : b))),
    ],
  ])("%s, fails restore and verify and restores nothing", async (_what, damage) => {
    await backUp();
    const store = stores.get("one")!;
    const [backup] = (await listBackups(store, "files")).complete;
    const damaged = damage(await stored(store, backup!.archive.key));
    const { createHash } = await import("node:crypto");
    const manifest = {
      ...backup!.manifest,
      archive: {
        ...backup!.manifest.archive,
        size: damaged.length,
        sha256: createHash("sha256").update(damaged).digest("hex"),
      },
    };
    store.objects.set(backup!.archive.key, { data: damaged, modified: new Date() });
    store.objects.set(manifestKey("files", backup!.id), {
      data: serializeManifest(manifest),
      modified: new Date(),
    });

    const target = join(dir, "restored");
    const error = await restoreInto(target, await keys()).catch((e: unknown) => e);
    expect(CairnError.is(error, "DECRYPT_FAILED"), String(error)).toBe(true);
    expect(await readdir(target)).toEqual([]);
    const [again] = (await listBackups(store, "files")).complete;
    const verified = await verifyBackup(store, again!, linesArchiver(), ctx, await keys());
    expect(verified).toMatchObject({ ok: false, error: { code: "DECRYPT_FAILED" } });
  });
});
