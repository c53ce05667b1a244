import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { type SshdServer, startSshd } from "@cairn/testkit/sshd";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { destinationFor, keysOf, put } from "./__fixtures__/server.js";

let server: SshdServer;
beforeAll(async () => {
  server = await startSshd();
});
afterAll(async () => {
  await server?.stop();
});

const MiB = 1024 * 1024;

describe("server killed in the middle of an upload", () => {
  it("fails clearly, leaves no complete-looking backup, and the next upload succeeds and removes the leftover", {
    timeout: 30_000,
  }, async () => {
    const destination = await destinationFor(server);
    const total = 500 * MiB;
    let sent = 0;
    let killed: Promise<void> | undefined;
    // 500 MB produced on demand: the server dies after 32 MiB, long before the end.
    const body = Readable.from(
      (async function* () {
        while (sent < total) {
          if (sent >= 32 * MiB && !killed) {
            // Wait for the kill to land: at loopback speed the upload would otherwise finish first.
            killed = server.kill();
            await killed;
          }
          sent += MiB;
          yield Buffer.alloc(MiB, 7);
        }
      })(),
    );
    const error = await destination
      .put("crash/crash-1.zip", body, { size: total, signal: new AbortController().signal })
      .catch((e: unknown) => e);
    await killed;
    expect(error).toMatchObject({ code: "DESTINATION_UNAVAILABLE", retryable: true });
    expect((error as Error).message).toMatch(/connection was lost/);
    expect(sent).toBeLessThan(total);

    await server.restart();
    const folder = join(server.dataDir, "backups/crash");
    expect(existsSync(join(folder, "crash-1.zip"))).toBe(false);
    // The server could not be asked to delete it: it is there, but never listed as a backup.
    expect(await readdir(folder)).toEqual([expect.stringMatching(/^\.crash-1\.zip\.[0-9a-f]{12}\.partial$/)]);
    expect(await keysOf(destination, "crash/")).toEqual([]);

    // The same destination reconnects, cleans up its leftover, and completes the next run.
    await put(destination, "crash/crash-2.zip", "second run");
    expect(await keysOf(destination, "crash/")).toEqual(["crash/crash-2.zip"]);
    expect(await readdir(folder)).toEqual(["crash-2.zip"]);
    await destination.close();
  });

  it("reconnects once for a call between uploads after the connection dropped", async () => {
    const destination = await destinationFor(server);
    await put(destination, "drop/a.zip", "a");
    await server.kill();
    await server.restart();
    expect(await keysOf(destination, "drop/")).toEqual(["drop/a.zip"]);
    await destination.close();
  });

  it("a download whose server dies fails the stream instead of hanging", { timeout: 30_000 }, async () => {
    const destination = await destinationFor(server);
    const size = 64 * MiB;
    await destination.put("read/big.bin", Readable.from([Buffer.alloc(size, 3)]), {
      signal: new AbortController().signal,
    });
    const stream = await destination.get("read/big.bin", { signal: new AbortController().signal });
    let received = 0;
    const error = await (async () => {
      for await (const chunk of stream) {
        received += (chunk as Buffer).length;
        if (received >= 4 * MiB && received - (chunk as Buffer).length < 4 * MiB) await server.kill();
      }
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "DESTINATION_UNAVAILABLE" });
    expect(received).toBeLessThan(size);
    await server.restart();
    await destination.close();
  });

  it("says the server is unreachable when nothing listens", async () => {
    const destination = await destinationFor(server);
    await server.kill();
    try {
      await expect(keysOf(destination)).rejects.toMatchObject({
        code: "DESTINATION_UNAVAILABLE",
        retryable: true,
      });
    } finally {
      await server.restart();
      await destination.close();
    }
  });
});
