import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import {
  crc32cToBase64,
  crc32cUpdate,
  type GcsEmulator,
  startGcsEmulator,
} from "@cairn/testkit/gcs-emulator";
import { afterAll, beforeAll, expect, it } from "vitest";
import { emulatedDestination, signal } from "./__fixtures__/emulated.js";

const SIZE = 300 * 1024 * 1024;
let emulator: GcsEmulator;
beforeAll(async () => {
  emulator = await startGcsEmulator({ buckets: ["backups"] });
});
afterAll(async () => {
  await emulator.stop();
});

/** 300 MB generated as read, hashed on the way so the test never holds it. */
function source(size: number) {
  const block = randomBytes(1024 * 1024);
  const sha256 = createHash("sha256");
  let crc = 0;
  let sent = 0;
  const stream = new Readable({
    read() {
      if (sent >= size) {
        this.push(null);
        return;
      }
      const chunk = Buffer.from(block.subarray(0, Math.min(block.length, size - sent)));
      chunk.writeUInt32BE(sent / block.length, 0);
      sent += chunk.length;
      sha256.update(chunk);
      crc = crc32cUpdate(crc, chunk);
      this.push(chunk);
    },
  });
  return { stream, digest: () => ({ sha256: sha256.digest("hex"), crc32c: crc32cToBase64(crc) }) };
}

it("uploads 300 MB through a failed request in the middle, with matching CRC32C and SHA-256, in bounded memory", {
  timeout: 120_000,
}, async () => {
  const dest = emulatedDestination(emulator, { chunkSize: 8 * 1024 * 1024 });
  const { stream, digest } = source(SIZE);
  // 300 MB in 8 MiB chunks is ~38 chunk requests: fail the 15th.
  emulator.faults.fail({ status: 503, kind: "upload", skip: 15 });
  const baseline = process.memoryUsage().arrayBuffers;
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().arrayBuffers - baseline);
  }, 50);
  try {
    const stored = await dest.put("db/big.zip", stream, { signal: signal() });
    expect(stored.size).toBe(SIZE);
  } finally {
    clearInterval(sampler);
  }
  const expected = digest();
  const object = (await (
    await fetch(`${emulator.url}/storage/v1/b/backups/o/${encodeURIComponent("cairn/db/big.zip")}`)
  ).json()) as {
    size: string;
    crc32c: string;
    metadata: { sha256: string };
  };
  expect(object.size).toBe(String(SIZE));
  expect(object.crc32c).toBe(expected.crc32c);
  expect(object.metadata.sha256).toBe(expected.sha256);
  expect(emulator.faults.counts.upload).toBeGreaterThan(36);
  // Far below the object's size: a few chunks in flight, not the archive.
  expect(peak).toBeLessThan(120 * 1024 * 1024);
});
