import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
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
import { createMemoryDestination, type MemoryDestination } from "../memory-destination.js";
import type { PluginRegistry } from "../registry.js";
import { jobStatus } from "../status/job-status.js";
import { linesArchiver } from "./__fixtures__/lines-archiver.js";
import { memoryRegistry } from "./__fixtures__/memory-plugin.js";
import { applyRetention } from "./apply-retention.js";
import { restoreBackup } from "./restore.js";
import { runBackup } from "./run-backup.js";
import { verifyBackup } from "./verify.js";

const ctx = { signal: new AbortController().signal, logger: silentLogger };
const MARKER = "cairn-offsite-marker-20c4";

describe("a destination that encrypts on its own", () => {
  let dir: string;
  let stores: Map<string, MemoryDestination>;
  let registry: PluginRegistry;
  let identity: string;
  let reads: number;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "cairn-dest-enc-"));
    await mkdir(join(dir, "data", "sub"), { recursive: true });
    await writeFile(join(dir, "data", "a.txt"), `${MARKER}\n`.repeat(30_000));
    await writeFile(join(dir, "data", "sub", "b.txt"), MARKER);
    stores = new Map([
      ["disk", createMemoryDestination()],
      ["offsite", createMemoryDestination()],
    ]);
    registry = memoryRegistry(stores as Map<string, Destination>);
    identity = await generateIdentity();
    reads = 0;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function backUp() {
    const recipient = await identityToRecipient(identity);
    const config = await parseConfig(
      `
stateDir: ./state
destinations:
  disk: { type: memory, name: disk }
  offsite: { type: memory, name: offsite, encryption: { recipients: ["${recipient}"] } }
jobs:
  files:
    source: { type: path, path: ./data }
    archive: { format: tar }
    destinations: [disk, offsite]
`,
      join(dir, "cairn.config.yaml"),
      registry,
    );
    const job = config.jobs.get("files")!;
    // Counts the source's reads of a.txt: one for both destinations.
    const source = job.source.plugin;
    const counting = {
      ...source,
      create: async (...args: Parameters<typeof source.create>) => {
        const created = await source.create(...args);
        return {
          ...created,
          async *entries(c: typeof ctx) {
            for await (const entry of created.entries(c)) {
              if (entry.path.endsWith("a.txt") && entry.open) {
                const open = entry.open.bind(entry);
                yield {
                  ...entry,
                  open: () => {
                    reads += 1;
                    return open();
                  },
                };
              } else yield entry;
            }
          },
        };
      },
    };
    const counted = { ...job, source: { ...job.source, plugin: counting as typeof source } };
    const result = await runBackup({
      config,
      job: counted,
      registry,
      logger: silentLogger,
      engineVersion: "0.0.0-test",
    });
    expect(result.status, JSON.stringify(result)).toBe("ok");
    return { config, job, result, recipient };
  }

  const newest = async (name: string) => (await listBackups(stores.get(name)!, "files")).complete[0]!;
  const bytesOf = async (name: string, key: string) => buffer(await stores.get(name)!.get(key, ctx));

  it("stores the plain archive at one and an age file at the other, from one read of the source", async () => {
    const { result, recipient } = await backUp();
    expect(reads).toBe(1);
    const plain = await newest("disk");
    const sealed = await newest("offsite");
    expect(sealed.id).toBe(plain.id);
    expect(plain.archive.key).toMatch(/\.tar$/);
    expect(sealed.archive.key).toBe(`${plain.archive.key}.age`);
    expect(result.destinations.map((d) => d.archiveKey)).toEqual([plain.archive.key, sealed.archive.key]);

    const plainBytes = await bytesOf("disk", plain.archive.key);
    const sealedBytes = await bytesOf("offsite", sealed.archive.key);
    expect(plainBytes.includes(MARKER)).toBe(true);
    for (const [key] of stores.get("offsite")!.objects) {
      expect((await bytesOf("offsite", key)).includes(MARKER), key).toBe(false);
    }
    expect(sealedBytes.subarray(0, 22).toString()).toBe("age-encryption.org/v1\n");
    // Each manifest describes the object stored beside it.
    const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
    expect(plain.manifest.archive).toMatchObject({ size: plainBytes.length, sha256: sha(plainBytes) });
    expect(sealed.manifest.archive).toMatchObject({ size: sealedBytes.length, sha256: sha(sealedBytes) });
    expect(plain.manifest.encryption).toBeUndefined();
    expect(sealed.manifest.encryption).toEqual({ format: "age", recipients: [recipient] });
    expect(sealed.manifest.entries).toBe(plain.manifest.entries);
    expect(sealed.manifest.index).toEqual(plain.manifest.index);
  });

  it("restores and verifies from both, the encrypted copy with its identity only", async () => {
    await backUp();
    const keys = { identities: await parseIdentities(identity), passphrases: [] };
    for (const [name, decryption] of [
      ["disk", undefined],
      ["offsite", keys],
    ] as const) {
      const target = join(dir, `restored-${name}`);
      await restoreBackup(
        stores.get(name)!,
        await newest(name),
        linesArchiver(),
        { target, overwrite: false, ...(decryption ? { decryption } : {}) },
        ctx,
      );
      expect(await readFile(join(target, "data", "sub", "b.txt"), "utf8")).toBe(MARKER);
      const verified = await verifyBackup(
        stores.get(name)!,
        await newest(name),
        linesArchiver(),
        ctx,
        decryption,
      );
      expect(verified).toMatchObject({ ok: true, contentsChecked: true });
    }
    const target = join(dir, "no-key");
    const error = await restoreBackup(
      stores.get("offsite")!,
      await newest("offsite"),
      linesArchiver(),
      { target, overwrite: false },
      ctx,
    ).catch((e: unknown) => e);
    expect(CairnError.is(error, "DECRYPT_NO_IDENTITY")).toBe(true);
  });

  it("is listed, pruned and seen by status at both without any key", async () => {
    await backUp();
    await new Promise((r) => setTimeout(r, 1100)); // ids are to the second
    const { config, job } = await backUp();
    for (const name of ["disk", "offsite"]) {
      const store = stores.get(name)!;
      const catalog = await listBackups(store, "files");
      expect(catalog.complete, name).toHaveLength(2);
      expect(catalog.incomplete, name).toHaveLength(0);
      const run = await applyRetention(
        store,
        "files",
        { keepLast: 1 },
        {
          now: new Date(),
          timeZone: "UTC",
          dryRun: false,
          logger: silentLogger,
        },
      );
      expect(run.removed, name).toEqual([catalog.complete[1]!.id]);
      expect(store.objects.size, name).toBe(2);
    }
    const status = await jobStatus(config, job, silentLogger, new Date());
    expect(status.destinations.map((d) => d.backups)).toEqual([1, 1]);
  });

  it("an encrypted destination that fails at once leaves the plain one's backup whole", async () => {
    const failing = createMemoryDestination();
    // Rejects without reading a byte of the body, as a destination that is full or offline does.
    failing.put = async () => {
      throw new CairnError("DESTINATION_IO", "the off-site store is offline");
    };
    stores.set("offsite", failing);
    const recipient = await identityToRecipient(identity);
    const config = await parseConfig(
      `
stateDir: ./state
destinations:
  disk: { type: memory, name: disk }
  offsite: { type: memory, name: offsite, encryption: { recipients: ["${recipient}"] } }
jobs:
  files:
    source: { type: path, path: ./data }
    archive: { format: tar }
    destinations: [offsite, disk]
`,
      join(dir, "cairn.config.yaml"),
      registry,
    );
    const result = await runBackup({
      config,
      job: config.jobs.get("files")!,
      registry,
      logger: silentLogger,
      engineVersion: "0.0.0-test",
    });
    expect(result.status).toBe("partial");
    expect(result.destinations.map((d) => [d.destination, d.status])).toEqual([
      ["offsite", "failed"],
      ["disk", "ok"],
    ]);
    const plain = await newest("disk");
    const target = join(dir, "restored");
    await restoreBackup(stores.get("disk")!, plain, linesArchiver(), { target, overwrite: false }, ctx);
    expect(await readFile(join(target, "data", "sub", "b.txt"), "utf8")).toBe(MARKER);
  });
});
