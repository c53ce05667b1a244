import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { CairnError } from "@cairn/core";
import { abortAfter, bufferStream, randomStream, sha256OfStream } from "@cairn/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3InChildProcess, startTestS3, type TestS3 } from "./__fixtures__/s3-server.js";
import plugin from "./index.js";
import { createS3Destination } from "./s3-destination.js";

const options = (endpoint: string) =>
  plugin.options.parse({
    bucket: "backups",
    prefix: "cairn",
    endpoint,
    forcePathStyle: true,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    partSizeMiB: 5,
    queueSize: 2,
  });

describe("s3 destination", () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startTestS3("backups");
  });
  afterAll(async () => {
    await s3.stop();
  });

  async function openUploads(): Promise<string[]> {
    const found: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        if (!entry.isDirectory()) continue;
        const path = join(dir, entry.name);
        if (entry.name === "uploads") found.push(...(await readdir(path)));
        else await walk(path);
      }
    };
    await walk(s3.directory);
    return found;
  }

  it("aborts its multipart upload at the server when the put is aborted", async () => {
    const dest = createS3Destination(options(s3.endpoint));
    const controller = new AbortController();
    const body = abortAfter(randomStream(64 * 1024 * 1024), 20 * 1024 * 1024, controller);
    await expect(dest.put("db/aborted.zip", body, { signal: controller.signal })).rejects.toThrow();
    expect(await openUploads()).toEqual([]);
    await dest.close();
  }, 60_000);

  it("uploads 1 GiB from a stream with memory bounded by the part size", async () => {
    const server = await startS3InChildProcess("backups");
    const dest = createS3Destination(options(server.endpoint));
    const bytes = 1024 * 1024 * 1024;
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sample = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    try {
      const stored = await dest.put("db/big.bin", randomStream(bytes, 5), {
        signal: new AbortController().signal,
      });
      expect(stored.size).toBe(bytes);
      // Two 5 MiB parts in flight, the SDK's buffers and the garbage collector's slack: far below the
      // 1 GiB that went through, and the same for 100 GiB.
      expect(peak - baseline).toBeLessThan(160 * 1024 * 1024);
      expect(
        await sha256OfStream(await dest.get("db/big.bin", { signal: new AbortController().signal })),
      ).toBe(await sha256OfStream(randomStream(bytes, 5)));
    } finally {
      clearInterval(sample);
      await dest.close();
      await server.stop();
    }
  }, 300_000);

  it("is refused by S3 itself when another writer took the key during the upload", async () => {
    const dest = createS3Destination(options(s3.endpoint));
    const other = createS3Destination(options(s3.endpoint));
    const slow = randomStream(12 * 1024 * 1024, 9);
    const racing = dest.put("db/race.zip", slow, { signal: new AbortController().signal });
    await other.put("db/race.zip", bufferStream("first"), { signal: new AbortController().signal });
    const error = await racing.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(CairnError.is(error, "DESTINATION_CONFLICT")).toBe(true);
    await dest.close();
    await other.close();
  }, 60_000);
});
