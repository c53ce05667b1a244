import { Readable } from "node:stream";
import {
  applyRetention,
  archiveKey,
  type Manifest,
  manifestKey,
  serializeManifest,
  silentLogger,
} from "@cairn/core";
import { describe, expect, it } from "vitest";
import { collect, emulatedAccount, patternStream, signal } from "./__fixtures__/emulated.js";
import type { DropboxDestination } from "./destination.js";

const MiB = 1024 * 1024;

/** Writes a complete backup (archive, then manifest) the way the pipeline does. */
async function backup(dest: DropboxDestination, day: number, size: number): Promise<string> {
  const time = new Date(Date.UTC(2026, 10, day, 3, 0, 0));
  const id = `db-202611${String(day).padStart(2, "0")}T030000Z-k3f9`;
  const key = archiveKey("db", id, ".zip");
  await dest.put(key, patternStream(size, day), { signal: signal() });
  const manifest: Manifest = {
    manifestVersion: 1,
    id,
    job: "db",
    createdAt: time.toISOString(),
    host: "test",
    source: "test",
    archive: { key, format: "zip", size, sha256: "0".repeat(64) },
    entries: 1,
    sourceBytes: size,
    tags: [],
    engine: { name: "cairn", version: "0.0.0" },
  };
  await dest.put(manifestKey("db", id), Readable.from([serializeManifest(manifest)]), { signal: signal() });
  return id;
}

describe("an account near its quota", () => {
  it("minFreeSpace removes the oldest backups, never the newest, and the next backup fits", async () => {
    const account = await emulatedAccount({ quota: 40 * MiB });
    try {
      const dest = account.destination({ chunkSize: 4 * MiB });
      for (const day of [1, 2, 3, 4]) await backup(dest, day, 9 * MiB);
      expect(await dest.freeSpace()).toBeLessThan(5 * MiB);

      const run = await applyRetention(
        dest,
        "db",
        { minFreeSpace: 15 * MiB },
        {
          now: new Date(Date.UTC(2026, 10, 5)),
          timeZone: "UTC",
          dryRun: false,
          logger: silentLogger,
        },
      );
      expect(run.removed).toEqual(["db-20261101T030000Z-k3f9", "db-20261102T030000Z-k3f9"]);
      expect(await dest.freeSpace()).toBeGreaterThanOrEqual(15 * MiB);
      await backup(dest, 5, 9 * MiB);
      const archives = (await collect(dest.list("db/"))).map((o) => o.key).filter((k) => k.endsWith(".zip"));
      expect(archives.sort()).toEqual([
        "db/db-20261103T030000Z-k3f9.zip",
        "db/db-20261104T030000Z-k3f9.zip",
        "db/db-20261105T030000Z-k3f9.zip",
      ]);
    } finally {
      await account.emu.close();
    }
  });

  it("a backup larger than all the space fails with DESTINATION_QUOTA, leaves no object and deletes nothing", async () => {
    const account = await emulatedAccount({ quota: 20 * MiB });
    try {
      const dest = account.destination({ chunkSize: 4 * MiB });
      await backup(dest, 1, 5 * MiB);
      const before = account.emu.filePaths();
      const error = await dest
        .put("db/db-20261102T030000Z-zzzz.zip", patternStream(21 * MiB), { signal: signal() })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: "DESTINATION_QUOTA",
        hint: expect.stringContaining("minFreeSpace"),
      });
      expect(account.emu.filePaths()).toEqual(before);
      expect(account.emu.openSessions()).toBe(0);
    } finally {
      await account.emu.close();
    }
  });
});
