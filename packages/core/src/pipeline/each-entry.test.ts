import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateIdentity, identityToRecipient } from "age-encryption";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listBackups } from "../catalog/list-backups.js";
import { parseConfig } from "../config/load.js";
import { silentLogger } from "../contracts/context.js";
import type { Destination } from "../contracts/destination.js";
import { createMemoryDestination } from "../memory-destination.js";
import type { PluginRegistry } from "../registry.js";
import { memoryRegistry } from "./__fixtures__/memory-plugin.js";
import { runJob } from "./run-backup.js";

describe("one backup per entry (each: entry)", () => {
  let dir: string;
  let stores: Map<string, Destination>;
  let registry: PluginRegistry;
  const hourAgo = new Date(Date.now() - 3_600_000);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "cairn-each-"));
    stores = new Map([
      ["one", createMemoryDestination()],
      ["two", createMemoryDestination()],
    ]);
    registry = memoryRegistry(stores);
    await mkdir(join(dir, "Backups"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function nightly(name: string, settled = true) {
    const folder = join(dir, "Backups", name);
    await mkdir(folder);
    await writeFile(join(folder, "db.fmp12"), `data of ${name}`);
    if (settled) {
      await utimes(join(folder, "db.fmp12"), hourAgo, hourAgo);
      await utimes(folder, hourAgo, hourAgo);
    }
  }

  async function run(destinations = "[one, two]", twoEncryption = "") {
    const config = await parseConfig(
      `
stateDir: ./state
destinations:
  one: { type: memory, name: one }
  two: { type: memory, name: two${twoEncryption} }
jobs:
  filemaker:
    source: { type: path, path: ./Backups, each: entry, settle: 10m }
    archive: { format: tar }
    destinations: ${destinations}
`,
      join(dir, "cairn.config.yaml"),
      registry,
    );
    return runJob({
      config,
      job: config.jobs.get("filemaker")!,
      registry,
      logger: silentLogger,
      engineVersion: "0",
    });
  }

  async function entriesAt(name: string) {
    const catalog = await listBackups(stores.get(name)!, "filemaker");
    return catalog.complete.map((b) => b.manifest.entry).sort();
  }

  it("uploads each new folder exactly once per destination, reading what is there from the manifests", async () => {
    await nightly("2026-11-20 0300");
    await nightly("2026-11-21 0300");
    const first = await run();
    expect(first.map((r) => [r.entry, r.status])).toEqual([
      ["2026-11-20 0300", "ok"],
      ["2026-11-21 0300", "ok"],
    ]);
    expect(first[0]!.id).toMatch(/^2026-11-20_0300-\d{8}T\d{6}Z-[a-z0-9]{4}$/);

    expect(await run()).toEqual([]);

    await nightly("2026-11-22 0300");
    const third = await run();
    expect(third.map((r) => r.entry)).toEqual(["2026-11-22 0300"]);
    for (const name of ["one", "two"]) {
      expect(await entriesAt(name)).toEqual(["2026-11-20 0300", "2026-11-21 0300", "2026-11-22 0300"]);
    }
  });

  it("fills in a destination that lacks entries, without uploading again where they are", async () => {
    await nightly("a");
    await run("[one]");
    const second = await run();
    expect(second.map((r) => [r.entry, r.destinations.map((d) => d.destination)])).toEqual([["a", ["two"]]]);
  });

  it("skips a folder still being written until it settles", async () => {
    await nightly("old");
    await nightly("fresh", false);
    const results = await run();
    expect(results.map((r) => r.entry)).toEqual(["old"]);
    expect(await entriesAt("one")).toEqual(["old"]);
  });

  it("works the same with one destination encrypting on its own: one upload per entry, found again by its manifest", async () => {
    const recipient = await identityToRecipient(await generateIdentity());
    const encrypted = `, encryption: { recipients: ["${recipient}"] }`;
    await nightly("a");
    await nightly("b");
    expect((await run(undefined, encrypted)).map((r) => r.status)).toEqual(["ok", "ok"]);
    expect(await run(undefined, encrypted)).toEqual([]);
    expect(await entriesAt("one")).toEqual(["a", "b"]);
    expect(await entriesAt("two")).toEqual(["a", "b"]);
    const keys = async (name: string) =>
      (await listBackups(stores.get(name)!, "filemaker")).complete.map((b) => b.archive.key);
    for (const key of await keys("one")) expect(key).toMatch(/\.tar$/);
    for (const key of await keys("two")) expect(key).toMatch(/\.tar\.age$/);
  });
});
