import { Readable } from "node:stream";
import { beforeEach, describe, expect, it } from "vitest";
import { listBackups } from "../catalog/list-backups.js";
import { silentLogger } from "../contracts/context.js";
import { serializeManifest } from "../manifest.js";
import { createMemoryDestination, type MemoryDestination } from "../memory-destination.js";
import { archiveKey, manifestKey, newBackupId } from "../naming.js";
import { retentionGroup } from "../retention/index.js";
import { applyRetention } from "./apply-retention.js";

const signal = new AbortController().signal;
const now = new Date("2026-11-22T12:00:00Z");

/** Puts a complete backup of `bytes` bytes made `daysAgo` days before now. */
async function seed(dest: MemoryDestination, daysAgo: number, bytes: number, host = "test"): Promise<string> {
  const created = new Date(now.getTime() - daysAgo * 86_400_000);
  const id = newBackupId("db", created);
  const key = archiveKey("db", id, ".zip");
  const data = Buffer.alloc(bytes, 1);
  await dest.put(key, Readable.from([data]), { signal });
  const manifest = {
    manifestVersion: 1 as const,
    id,
    job: "db",
    createdAt: created.toISOString(),
    host,
    source: "test",
    archive: { key, format: "zip" as const, size: bytes, sha256: "0".repeat(64) },
    entries: 1,
    sourceBytes: bytes,
    tags: [],
    engine: { name: "cairn" as const, version: "0" },
  };
  await dest.put(manifestKey("db", id), Readable.from([serializeManifest(manifest)]), { signal });
  return id;
}

describe("applyRetention per retention group", () => {
  it("weighs only the group's host, says whose backups it left, and with groupBy job weighs all", async () => {
    const dest = createMemoryDestination();
    const mine = [
      await seed(dest, 0, 10, "web1"),
      await seed(dest, 1, 10, "WEB1"),
      await seed(dest, 2, 10, "web1"),
    ];
    const theirs = [await seed(dest, 0.5, 10, "web2"), await seed(dest, 3, 10, "web2")];
    const options = { now, timeZone: "UTC", dryRun: false, logger: silentLogger };
    const run = await applyRetention(
      dest,
      "db",
      { keepLast: 1 },
      { ...options, group: retentionGroup("db", undefined, "web1") },
    );
    expect(run.removed.sort()).toEqual([mine[1], mine[2]].sort());
    expect(run.notes.join("\n")).toContain("web2 (2)");
    const left = (await listBackups(dest, "db")).complete.map((b) => b.id);
    expect(left.sort()).toEqual([mine[0], ...theirs].sort());

    const shared = await applyRetention(
      dest,
      "db",
      { keepLast: 1, groupBy: "job" },
      { ...options, group: retentionGroup("db", "job", "web1") },
    );
    expect(shared.removed.sort()).toEqual([theirs[0], theirs[1]].sort());
  });
});

describe("applyRetention", () => {
  let dest: MemoryDestination;
  let ids: string[];

  beforeEach(async () => {
    dest = createMemoryDestination({ freeBytes: 10_000 });
    ids = [];
    for (let day = 0; day < 6; day++) ids.push(await seed(dest, day, 1000));
  });

  it("removes what the policy says, manifest and archive, and reports the space freed", async () => {
    const run = await applyRetention(
      dest,
      "db",
      { maxCount: 5 },
      { now, timeZone: "UTC", dryRun: false, logger: silentLogger },
    );
    expect(run.removed).toEqual([ids[5]]);
    expect(run.bytesFreed).toBe(1000);
    const left = await listBackups(dest, "db");
    expect(left.complete.map((b) => b.id)).toEqual(ids.slice(0, 5));
    expect([...dest.objects.keys()].some((k) => k.includes(ids[5]!))).toBe(false);
  });

  it("removes nothing for minFreeSpace where the server cannot tell its free space, and says so", async () => {
    // An SFTP server without statvfs@openssh.com: the method is there, the server cannot answer.
    const blind = Object.assign(Object.create(dest) as typeof dest, {
      freeSpace: async () => {
        throw new Error("freeSpace must not be called");
      },
      unavailableCapabilities: async () => ({ freeSpace: "no statvfs" }),
    });
    const run = await applyRetention(
      blind,
      "db",
      { minFreeSpace: "1TB" },
      { now, timeZone: "UTC", dryRun: false, logger: silentLogger },
    );
    expect(run.remove).toEqual([]);
    expect(run.notes).toContain("minFreeSpace is set, but this destination cannot tell its free space");
  });

  it("deletes nothing on a dry run", async () => {
    const run = await applyRetention(
      dest,
      "db",
      { keepLast: 1 },
      { now, timeZone: "UTC", dryRun: true, logger: silentLogger },
    );
    expect(run.remove).toHaveLength(5);
    expect((await listBackups(dest, "db")).complete).toHaveLength(6);
  });

  it("removes the oldest until minFreeSpace is free, but never the newest", async () => {
    // 6 backups of ~1.3 kB each (archive + manifest) leave ~2.4 kB of the 10 kB free.
    const free = await dest.freeSpace!();
    const run = await applyRetention(
      dest,
      "db",
      { minFreeSpace: free + 2500 },
      { now, timeZone: "UTC", dryRun: false, logger: silentLogger },
    );
    expect(run.removed).toEqual([ids[5], ids[4], ids[3]]);
    expect(run.remove.every((r) => r.reasons[0]!.startsWith("under minFreeSpace"))).toBe(true);

    const impossible = await applyRetention(
      dest,
      "db",
      { minFreeSpace: "1TB" },
      { now, timeZone: "UTC", dryRun: false, logger: silentLogger },
    );
    expect((await listBackups(dest, "db")).complete.map((b) => b.id)).toEqual([ids[0]]);
    expect(impossible.notes.join(" ")).toMatch(/less than minFreeSpace 1TB/);
  });

  it("keeps the backup this run wrote even when another carries a later clock", async () => {
    const future = await seed(dest, -30, 10);
    const run = await applyRetention(
      dest,
      "db",
      { keepLast: 1 },
      { now, timeZone: "UTC", dryRun: false, logger: silentLogger, protect: [ids[0]!] },
    );
    expect(run.keep.map((k) => k.id)).toEqual([future, ids[0]]);
  });

  it("never counts or removes objects it did not make", async () => {
    await dest.put("db/holiday-photos.zip", Readable.from([Buffer.from("mine")]), { signal });
    await applyRetention(
      dest,
      "db",
      { keepLast: 1 },
      { now, timeZone: "UTC", dryRun: false, logger: silentLogger },
    );
    expect(dest.objects.has("db/holiday-photos.zip")).toBe(true);
  });

  it("passes on what deleting costs at the destination when it removes something", async () => {
    const billed = Object.assign(dest, {
      deletionNotice: async () => "soft delete keeps deleted objects for 7 days",
    });
    const none = await applyRetention(
      billed,
      "db",
      {},
      { now, timeZone: "UTC", dryRun: true, logger: silentLogger },
    );
    expect(none.notes.join(" ")).not.toMatch(/soft delete/);
    const some = await applyRetention(
      billed,
      "db",
      { keepLast: 2 },
      { now, timeZone: "UTC", dryRun: true, logger: silentLogger },
    );
    expect(some.notes).toContain("soft delete keeps deleted objects for 7 days");
  });

  it("removes many backups in two batches where the destination offers them: manifests, then archives", async () => {
    const batches: string[][] = [];
    let singles = 0;
    const single = dest.delete.bind(dest);
    const batching = Object.assign(dest, {
      delete: async (key: string) => {
        singles++;
        await single(key);
      },
      deleteMany: async (keys: readonly string[]) => {
        batches.push([...keys]);
        for (const key of keys) await single(key);
      },
    });
    const run = await applyRetention(
      batching,
      "db",
      { keepLast: 2 },
      { now, timeZone: "UTC", dryRun: false, logger: silentLogger },
    );
    expect(run.removed).toEqual([ids[5], ids[4], ids[3], ids[2]]);
    expect(run.bytesFreed).toBe(4000);
    expect(singles).toBe(0);
    expect(batches).toHaveLength(2);
    expect(batches[0]!.every((key) => key.endsWith(".manifest.json"))).toBe(true);
    expect(batches[1]!.some((key) => key.endsWith(".manifest.json"))).toBe(false);
    expect((await listBackups(dest, "db")).complete.map((b) => b.id)).toEqual(ids.slice(0, 2));
  });

  it("falls back to one by one when a batch fails part-way, and still removes exactly the plan", async () => {
    const single = dest.delete.bind(dest);
    const flaky = Object.assign(dest, {
      deleteMany: async (keys: readonly string[]) => {
        await single(keys[0]!);
        throw new Error("delete_batch ended failed");
      },
    });
    const run = await applyRetention(
      flaky,
      "db",
      { keepLast: 3 },
      { now, timeZone: "UTC", dryRun: false, logger: silentLogger },
    );
    expect(run.errors).toEqual([]);
    expect([...run.removed].sort()).toEqual([ids[5], ids[4], ids[3]].sort());
    expect((await listBackups(dest, "db")).complete.map((b) => b.id)).toEqual(ids.slice(0, 3));
    expect(
      [...dest.objects.keys()].filter((k) => [ids[3], ids[4], ids[5]].some((id) => k.includes(id!))),
    ).toEqual([]);
  });
});
