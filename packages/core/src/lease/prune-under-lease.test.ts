import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { CairnConfig, ConfiguredJob } from "../config/load.js";
import { silentLogger } from "../contracts/context.js";
import type { Destination } from "../contracts/destination.js";
import { serializeManifest } from "../manifest.js";
import { createMemoryDestination } from "../memory-destination.js";
import { archiveKey, leaseKey, manifestKey, newBackupId } from "../naming.js";
import type { OpenDestination } from "../pipeline/open-destinations.js";
import type { RetentionPolicy } from "../retention/index.js";
import { pruneUnderLease } from "./prune-under-lease.js";

const signal = new AbortController().signal;
const now = new Date("2026-11-22T12:00:00Z");

async function seed(dest: Destination, hoursAgo: number, host: string): Promise<void> {
  const created = new Date(now.getTime() - hoursAgo * 3_600_000);
  const id = newBackupId("db", created);
  const key = archiveKey("db", id, ".zip");
  await dest.put(key, Readable.from([Buffer.from("zip")]), { signal });
  const manifest = {
    manifestVersion: 1 as const,
    id,
    job: "db",
    createdAt: created.toISOString(),
    host,
    source: "test",
    archive: { key, format: "zip" as const, size: 3, sha256: "0".repeat(64) },
    entries: 1,
    sourceBytes: 3,
    tags: [],
    engine: { name: "cairn" as const, version: "0" },
  };
  await dest.put(manifestKey("db", id), Readable.from([serializeManifest(manifest)]), { signal });
}

function setup(destination: Destination, retention: RetentionPolicy) {
  const open = {
    name: "plain",
    configured: { plugin: { type: "plain-plugin" } },
    destination,
  } as unknown as OpenDestination;
  const config = { host: "web1", lease: { waitMs: 1000, expiryMs: 600 } } as unknown as CairnConfig;
  const job = { name: "db", retention, timeZone: "UTC" } as unknown as ConfiguredJob;
  return { open, config, job };
}

const options = { now, timeZone: "UTC", dryRun: false, logger: silentLogger, signal };

describe("pruneUnderLease", () => {
  it("prunes under the job's lease and leaves no lease behind", async () => {
    const dest = createMemoryDestination();
    for (const h of [1, 2, 3]) await seed(dest, h, "web1");
    const { open, config, job } = setup(dest, { keepLast: 1 });
    const run = await pruneUnderLease(open, config, job, options);
    expect(run.removed).toHaveLength(2);
    expect(dest.objects.has(leaseKey("db"))).toBe(false);
  });

  it("without exclusiveCreate, says a shared group cannot be made safe and how to set it up instead", async () => {
    const memory = createMemoryDestination();
    // A third-party destination with the basic calls only.
    const plain: Destination = {
      put: memory.put,
      list: memory.list,
      get: memory.get,
      delete: memory.delete,
      close: memory.close,
    };
    for (const [h, host] of [
      [1, "web1"],
      [2, "web2"],
      [3, "web1"],
    ] as const)
      await seed(plain, h, host);
    const shared = setup(plain, { keepLast: 1, groupBy: "job" });
    const run = await pruneUnderLease(shared.open, shared.config, shared.job, options);
    expect(run.notes.join("\n")).toMatch(
      /plain \(plain-plugin\) cannot hold a lease .* cannot be made safe: prune from one host only/,
    );
    expect(run.removed).toHaveLength(2);

    await seed(plain, 0.5, "web2");
    await seed(plain, 0.25, "web1");
    const own = setup(plain, { keepLast: 1 });
    const mine = await pruneUnderLease(own.open, own.config, own.job, options);
    expect(mine.notes.join("\n")).toMatch(/safe as long as no two machines use the same host name/);
  });
});
