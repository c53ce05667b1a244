import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listBackups } from "../../catalog/list-backups.js";
import { parseConfig } from "../../config/load.js";
import { silentLogger } from "../../contracts/context.js";
import type { Destination } from "../../contracts/destination.js";
import { encodeLease } from "../../lease/lease-record.js";
import { createMemoryDestination, type MemoryDestination } from "../../memory-destination.js";
import { memoryRegistry } from "../__fixtures__/memory-plugin.js";
import { runBackup } from "../run-backup.js";

describe("making room before an upload", () => {
  let dir: string;
  let stores: Map<string, Destination>;
  let hour = 0;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "cairn-room-"));
    await mkdir(join(dir, "data"));
    await writeFile(join(dir, "data", "a.bin"), Buffer.alloc(300_000, 1));
    stores = new Map();
    hour = 0;
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function backUp(retention: string, settings = "") {
    // Leases at the destination: making room is a prune, which runs under the job's lease.
    const registry = memoryRegistry(stores, { delete: true, freeSpace: true, exclusiveCreate: true });
    const config = await parseConfig(
      `stateDir: ./state
${settings}
destinations: { disk: { type: memory, name: disk } }
jobs:
  files:
    source: { type: path, path: ./data }
    archive: { format: tar }
    destinations: [disk]
    retention: ${retention}
`,
      join(dir, "cairn.config.yaml"),
      registry,
    );
    // Each run an hour after the last, so that the policy's order does not hang on a shared second.
    const at = new Date(Date.UTC(2026, 0, 1, ++hour));
    const now = () => at;
    return runBackup({
      config,
      job: config.jobs.get("files")!,
      registry,
      logger: silentLogger,
      engineVersion: "0",
      now,
    });
  }

  async function kept(): Promise<string[]> {
    return (await listBackups(stores.get("disk")!, "files")).complete.map((b) => b.id);
  }

  /** Three backups of ~300 kB on a disk that has no room for a fourth. */
  async function fillDisk(): Promise<string[]> {
    stores.set("disk", createMemoryDestination({ freeBytes: 1_000_000 }));
    for (let i = 0; i < 3; i++) expect((await backUp("{ maxCount: 5 }")).status).toBe("ok");
    return kept();
  }

  it("removes what the policy removes anyway, oldest first, so the new backup fits", async () => {
    const before = await fillDisk();
    // maxCount 2 already removes the oldest of the three.
    const result = await backUp("{ maxCount: 2 }");
    expect(result.status).toBe("ok");
    expect(await kept()).toEqual([result.id, before[0]]);
  });

  it("never removes a backup the policy keeps, so a failed upload leaves all of them", async () => {
    const before = await fillDisk();
    // maxCount 3 keeps all three while the new one does not exist yet: nothing may go.
    const result = await backUp("{ maxCount: 3 }");
    expect(result.status).toBe("failed");
    expect(result.destinations[0]).toMatchObject({ status: "failed", error: { code: "DESTINATION_QUOTA" } });
    expect(await kept()).toEqual(before);
  });

  it("leaves what the policy keeps when the upload fails after room was made", async () => {
    const before = await fillDisk();
    await writeFile(join(dir, "data", "b.bin"), Buffer.alloc(1_000_000, 2));
    // maxCount 2 removes the oldest; even then 1.3 MB does not fit, and the upload fails.
    const result = await backUp("{ maxCount: 2 }");
    expect(result.status).toBe("failed");
    expect(await kept()).toEqual(before.slice(0, 2));
  });

  it("removes nothing while another host holds the job's lease, and the upload then fails cleanly", async () => {
    const before = await fillDisk();
    const disk = stores.get("disk") as MemoryDestination;
    const now = Date.now();
    disk.objects.set("files/.cairn-lock", {
      data: encodeLease({
        lease: 1,
        job: "files",
        host: "other-host",
        pid: 4242,
        token: "f00d",
        startedAt: new Date(now).toISOString(),
        renewedAt: new Date(now).toISOString(),
        expiresAt: new Date(now + 3_600_000).toISOString(),
      }),
      modified: new Date(now),
    });
    // maxCount 2 would remove the oldest, but that is a prune, and the other host is pruning.
    const result = await backUp("{ maxCount: 2 }", "lockWait: 200ms");
    expect(result.status).toBe("failed");
    expect(await kept()).toEqual(before);
    expect(disk.objects.has("files/.cairn-lock")).toBe(true);
  });

  it("makes room under the job's lease and gives it back", async () => {
    const before = await fillDisk();
    const disk = stores.get("disk") as MemoryDestination;
    const result = await backUp("{ maxCount: 2 }");
    expect(result.status).toBe("ok");
    expect(await kept()).toEqual([result.id, before[0]]);
    expect(disk.objects.has("files/.cairn-lock")).toBe(false);
  });
});
