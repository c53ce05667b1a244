import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { CairnError } from "@cairn/core";
import { type GcsEmulator, startGcsEmulator } from "@cairn/testkit/gcs-emulator";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emulatedDestination, patternStream, readAll, signal } from "./__fixtures__/emulated.js";

let emulator: GcsEmulator;
beforeEach(async () => {
  emulator = await startGcsEmulator({ buckets: ["backups"] });
});
afterEach(async () => {
  await emulator.stop();
});

describe("GCS destination on the emulator", () => {
  it("uploads under the prefix, lists, reads back and records the SHA-256 as object metadata", async () => {
    const dest = emulatedDestination(emulator);
    const data = await readAll(patternStream(700 * 1024));
    const stored = await dest.put("db/db-1.zip", Readable.from([data]), { signal: signal() });
    expect(stored).toMatchObject({ key: "db/db-1.zip", size: data.length });
    expect(emulator.objectNames("backups")).toEqual(["cairn/db/db-1.zip"]);

    const listed = [];
    for await (const object of dest.list("db/")) listed.push(object);
    expect(listed).toEqual([{ key: "db/db-1.zip", size: data.length, modified: expect.any(Date) }]);

    expect((await readAll(await dest.get("db/db-1.zip", { signal: signal() }))).equals(data)).toBe(true);
    const meta = (await (
      await fetch(`${emulator.url}/storage/v1/b/backups/o/${encodeURIComponent("cairn/db/db-1.zip")}`)
    ).json()) as {
      metadata: { sha256: string };
    };
    expect(meta.metadata.sha256).toBe(createHash("sha256").update(data).digest("hex"));
  });

  it("refuses to upload over an existing name, keeping the first object", async () => {
    const dest = emulatedDestination(emulator);
    await dest.put("a", Readable.from([Buffer.from("first")]), { signal: signal() });
    const second = dest.put("a", Readable.from([Buffer.from("second")]), { signal: signal() });
    await expect(second).rejects.toMatchObject({ code: "DESTINATION_CONFLICT" });
    expect((await readAll(await dest.get("a", { signal: signal() }))).toString()).toBe("first");
  });

  it("leaves no object and no open session when an upload is aborted mid-way", async () => {
    const dest = emulatedDestination(emulator);
    const controller = new AbortController();
    const body = patternStream(4 * 1024 * 1024);
    let read = 0;
    body.on("data", (chunk: Buffer) => {
      read += chunk.length;
      if (read > 1024 * 1024 && !controller.signal.aborted) controller.abort();
    });
    await expect(dest.put("db/partial.zip", body, { signal: controller.signal })).rejects.toMatchObject({
      code: "ABORTED",
    });
    expect(emulator.objectNames("backups")).toEqual([]);
    expect(emulator.openUploads()).toBe(0);
  });

  it("leaves no object when the source stream fails", async () => {
    const dest = emulatedDestination(emulator);
    const body = new Readable({ read() {} });
    body.push(Buffer.alloc(300 * 1024, 1));
    setTimeout(() => body.destroy(new CairnError("SOURCE_UNREADABLE", "disk went away")), 50);
    await expect(dest.put("x", body, { signal: signal() })).rejects.toMatchObject({
      code: "SOURCE_UNREADABLE",
    });
    expect(emulator.objectNames("backups")).toEqual([]);
  });

  it("lists past one page and only under the prefix", async () => {
    const dest = emulatedDestination(emulator);
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        dest.put(`job/${String(i).padStart(2, "0")}`, Readable.from([Buffer.from("x")]), {
          signal: signal(),
        }),
      ),
    );
    await fetch(`${emulator.url}/upload/storage/v1/b/backups/o?uploadType=media&name=elsewhere/y`, {
      method: "POST",
      body: "y",
    });
    const keys: string[] = [];
    for await (const object of dest.list("")) keys.push(object.key);
    expect(keys).toHaveLength(30);
    expect(keys.every((k) => k.startsWith("job/"))).toBe(true);
  });

  it("treats deleting an object already gone as done", async () => {
    const dest = emulatedDestination(emulator);
    await dest.put("gone", Readable.from([Buffer.from("x")]), { signal: signal() });
    await dest.delete("gone");
    await dest.delete("gone");
    expect(emulator.objectNames("backups")).toEqual([]);
  });

  it("rejects get of a missing key with NOT_FOUND", async () => {
    const dest = emulatedDestination(emulator);
    await expect(dest.get("nope", { signal: signal() })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("keeps names with unicode, spaces and URL characters intact", async () => {
    const dest = emulatedDestination(emulator);
    const key = "jöb 1/bäckup #2 ?x=1&y%20.zip";
    await dest.put(key, Readable.from([Buffer.from("u")]), { signal: signal() });
    const keys: string[] = [];
    for await (const object of dest.list("jöb 1/")) keys.push(object.key);
    expect(keys).toEqual([key]);
    expect((await readAll(await dest.get(key, { signal: signal() }))).toString()).toBe("u");
    await dest.delete(key);
    expect(emulator.objectNames("backups")).toEqual([]);
  });

  it("stops a download when its signal aborts, with ABORTED", async () => {
    const dest = emulatedDestination(emulator);
    await dest.put("big", patternStream(4 * 1024 * 1024), { signal: signal() });
    const controller = new AbortController();
    const stream = await dest.get("big", { signal: controller.signal });
    const reading = (async () => {
      for await (const _ of stream) controller.abort();
    })();
    await expect(reading).rejects.toMatchObject({ code: "ABORTED" });
  });

  it("round-trips an empty object", async () => {
    const dest = emulatedDestination(emulator);
    await dest.put("empty", Readable.from([]), { signal: signal() });
    expect((await readAll(await dest.get("empty", { signal: signal() }))).length).toBe(0);
  });

  it("tells prune about the bucket's soft delete window", async () => {
    emulator.setSoftDeletePolicy("backups", { retentionDurationSeconds: 7 * 86400 });
    const dest = emulatedDestination(emulator);
    expect(await dest.softDelete()).toEqual({ enabled: true, retentionSeconds: 604800 });
    expect(await dest.deletionNotice()).toMatch(/soft delete on.*7 days/);
    emulator.setSoftDeletePolicy("backups", { retentionDurationSeconds: 0 });
    expect(await dest.deletionNotice()).toBeUndefined();
  });
});
