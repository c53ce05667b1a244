import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readdir, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { CairnError } from "@cairn/core";
import { type SshdServer, startSshd } from "@cairn/testkit/sshd";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { destinationFor, keysOf, put, readAll } from "./__fixtures__/server.js";

let server: SshdServer;
beforeAll(async () => {
  server = await startSshd();
});
afterAll(async () => {
  await server?.stop();
});

describe("sftp destination against OpenSSH", () => {
  it("stores, lists, reads back and deletes a backup under nested folders", async () => {
    const destination = await destinationFor(server);
    const stored = await put(destination, "db/db-1.zip", "archive bytes");
    expect(stored).toMatchObject({ key: "db/db-1.zip", size: 13 });
    expect(existsSync(join(server.dataDir, "backups/db/db-1.zip"))).toBe(true);
    expect(await keysOf(destination, "db/")).toEqual(["db/db-1.zip"]);
    expect(
      (
        await readAll(await destination.get("db/db-1.zip", { signal: new AbortController().signal }))
      ).toString(),
    ).toBe("archive bytes");
    await destination.delete("db/db-1.zip");
    await destination.delete("db/db-1.zip");
    expect(await keysOf(destination, "db/")).toEqual([]);
    await destination.close();
    await destination.close();
  });

  it("refuses to overwrite an existing backup", async () => {
    const destination = await destinationFor(server);
    await put(destination, "conflict/a.zip", "first");
    await expect(put(destination, "conflict/a.zip", "second")).rejects.toMatchObject({
      code: "DESTINATION_CONFLICT",
    });
    expect(
      (
        await readAll(await destination.get("conflict/a.zip", { signal: new AbortController().signal }))
      ).toString(),
    ).toBe("first");
    await destination.close();
  });

  it("never lists an upload in progress and only lists keys with the prefix", async () => {
    const destination = await destinationFor(server);
    await put(destination, "listing/listing-1.zip", "x");
    await put(destination, "listing-other/z.zip", "x");
    await writeFile(join(server.dataDir, "backups/listing/.listing-2.zip.0123456789ab.partial"), "half");
    expect(await keysOf(destination, "listing/")).toEqual(["listing/listing-1.zip"]);
    expect(await keysOf(destination, "listing")).toEqual(["listing-other/z.zip", "listing/listing-1.zip"]);
    await destination.close();
  });

  it("removes partial uploads that killed runs left a day or more ago, and no other file", async () => {
    const destination = await destinationFor(server);
    await put(destination, "swept/swept-1.zip", "x");
    const folder = join(server.dataDir, "backups/swept");
    const dayAndMore = new Date(Date.now() - 25 * 60 * 60 * 1000);
    const killed = ".swept-20261101T030000Z-k3f9.zip.0123456789ab.partial";
    // Not a name cairn makes: a user's file, however old and however named, stays.
    const foreign = ["notes.txt", "notes.zip.partial", ".notes.zip.0123456789ab.partial"];
    for (const name of [killed, ...foreign]) {
      await writeFile(join(folder, name), "left over");
      await utimes(join(folder, name), dayAndMore, dayAndMore);
    }
    const running = ".swept-20261201T030000Z-a1b2.zip.0123456789ab.partial";
    await writeFile(join(folder, running), "another run, still uploading");
    await put(destination, "swept/swept-3.zip", "y");
    expect((await readdir(folder)).sort()).toEqual(
      [...foreign, "swept-1.zip", running, "swept-3.zip"].sort(),
    );
    await destination.close();
  });

  it("gives NOT_FOUND for a missing key and refuses keys that leave the folder", async () => {
    const destination = await destinationFor(server);
    await expect(
      destination.get("nothing/here.zip", { signal: new AbortController().signal }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(put(destination, "../escape.zip", "x")).rejects.toBeInstanceOf(CairnError);
    expect(existsSync(join(server.dataDir, "escape.zip"))).toBe(false);
    await destination.close();
  });

  it("streams many MiB intact with several writes in flight", async () => {
    const destination = await destinationFor(server);
    const size = 24 * 1024 * 1024 + 123;
    const hash = createHash("sha256");
    async function* body() {
      let left = size;
      let seed = 0;
      while (left > 0) {
        // Odd chunk sizes exercise the split into 32 KiB write requests.
        const chunk = Buffer.alloc(Math.min(left, 100_003), seed++ % 251);
        hash.update(chunk);
        left -= chunk.length;
        yield chunk;
      }
    }
    const stored = await destination.put("big/big.bin", Readable.from(body()), {
      size,
      signal: new AbortController().signal,
    });
    expect(stored.size).toBe(size);
    const back = createHash("sha256");
    for await (const chunk of await destination.get("big/big.bin", { signal: new AbortController().signal }))
      back.update(chunk as Buffer);
    expect(back.digest("hex")).toBe(hash.digest("hex"));
    await destination.close();
  });

  it("reports free space through statvfs", async () => {
    const destination = await destinationFor(server);
    expect(await destination.freeSpace?.()).toBeGreaterThan(0);
    expect(await destination.unavailableCapabilities?.()).toEqual({});
    await destination.close();
  });

  it("gives DESTINATION_PERMISSION for a folder the user cannot write", async () => {
    const readOnly = join(server.dataDir, "read-only");
    await mkdir(readOnly);
    await chmod(readOnly, 0o555);
    const destination = await destinationFor(server, { path: readOnly });
    const error = await put(destination, "job/job-1.zip", "x").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "DESTINATION_PERMISSION" });
    expect((error as Error).message).toContain(readOnly);
    expect(await readdir(readOnly)).toEqual([]);
    await destination.close();
  });

  it("aborting an upload leaves nothing under the key", async () => {
    const destination = await destinationFor(server);
    const controller = new AbortController();
    async function* body() {
      yield Buffer.alloc(1024 * 1024, 1);
      controller.abort();
      yield Buffer.alloc(1024 * 1024, 2);
    }
    await expect(
      destination.put("aborted/a.zip", Readable.from(body()), { signal: controller.signal }),
    ).rejects.toBeDefined();
    expect(await keysOf(destination, "aborted/")).toEqual([]);
    expect(await readdir(join(server.dataDir, "backups/aborted"))).toEqual([]);
    await destination.close();
  });
});
