import { describe, expect, it } from "vitest";
import { emulatedAccount, patternStream, sha256Of, signal } from "./__fixtures__/emulated.js";

const MB = 1000 * 1000;

describe("a 600 MB backup to Dropbox", () => {
  it("survives a 429 and a dropped connection mid-session, resumes rather than restarts, and matches the content hash", async () => {
    const account = await emulatedAccount({ quota: 2 * 1024 ** 3 });
    try {
      const dest = account.destination();
      const size = 600 * MB;
      account.emu.faults.rateLimit("files/upload_session/append_v2", { after: 20, retryAfterSeconds: 1 });
      account.emu.faults.dropConnection("files/upload_session/append_v2", { after: 40, afterBytes: 3 * MB });
      // Buffers live outside the JS heap: arrayBuffers (this worker's own) shows what the upload holds.
      const baseline = process.memoryUsage().arrayBuffers;
      let peak = 0;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().arrayBuffers - baseline);
      }, 20);

      const stored = await dest
        .put("db/db-20261122T030000Z-k3f9.zip", patternStream(size), { signal: signal() })
        .finally(() => clearInterval(sampler));

      expect(stored.size).toBe(size);
      const calls = account.emu.calls;
      expect(calls.filter((c) => c.route === "files/upload_session/start")).toHaveLength(1);
      expect(calls.filter((c) => c.status === 429)).toHaveLength(1);
      expect(calls.filter((c) => c.status === -1)).toHaveLength(1);
      // 8 MiB chunks: start, 70 appends (two of them sent twice), finish; a restart would send them all again.
      expect(calls.filter((c) => c.route === "files/upload_session/append_v2").length).toBe(72);
      // Chunks waiting for the garbage collector count too (~200 MB seen); holding the archive would pass 600 MB.
      expect(peak).toBeLessThan(400 * MB);
      expect(await sha256Of(account.emu.openFile("/backups/db/db-20261122T030000Z-k3f9.zip"))).toBe(
        await sha256Of(patternStream(size)),
      );
    } finally {
      await account.emu.close();
    }
  }, 120_000);
});
