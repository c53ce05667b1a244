import { Readable } from "node:stream";
import { describeError } from "@cairn/core";
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

describe("GCS destination under faults", () => {
  it("retries an upload chunk answered with 503 and finishes with the right bytes", async () => {
    const dest = emulatedDestination(emulator);
    const data = await readAll(patternStream(1024 * 1024));
    emulator.faults.fail({ status: 503, kind: "upload", skip: 2 });
    await dest.put("r.zip", Readable.from([data]), { signal: signal() });
    expect(emulator.faults.counts.upload).toBeGreaterThan(5);
    expect((await readAll(await dest.get("r.zip", { signal: signal() }))).equals(data)).toBe(true);
  });

  it("takes up an upload whose connection was cut mid-chunk", async () => {
    const dest = emulatedDestination(emulator);
    const data = await readAll(patternStream(1024 * 1024 + 1234));
    emulator.faults.cutUpload(100_000);
    await dest.put("cut.zip", Readable.from([data]), { signal: signal() });
    expect((await readAll(await dest.get("cut.zip", { signal: signal() }))).equals(data)).toBe(true);
  });

  it("retries a listing answered with 429, then succeeds", async () => {
    const dest = emulatedDestination(emulator);
    await dest.put("job/a", Readable.from([Buffer.from("a")]), { signal: signal() });
    emulator.faults.fail({ status: 429, kind: "list" });
    const keys: string[] = [];
    for await (const object of dest.list("job/")) keys.push(object.key);
    expect(keys).toEqual(["job/a"]);
    expect(emulator.faults.counts.list).toBe(2);
  });

  it("reports DESTINATION_UNAVAILABLE once the retries are spent", async () => {
    const dest = emulatedDestination(emulator, { maxRetries: 1 });
    emulator.faults.fail({ status: 503, kind: "list", count: 10 });
    const listing = async () => {
      for await (const _ of dest.list("")) {
        // drain
      }
    };
    await expect(listing()).rejects.toMatchObject({ code: "DESTINATION_UNAVAILABLE", retryable: true });
  });

  it("resumes a broken download from the last byte received, with identical bytes", async () => {
    const dest = emulatedDestination(emulator);
    const data = await readAll(patternStream(3 * 1024 * 1024 + 17));
    await dest.put("big.zip", Readable.from([data]), { signal: signal() });
    emulator.faults.cutDownload(700_000, 2);
    const before = emulator.faults.counts.download;
    const back = await readAll(await dest.get("big.zip", { signal: signal() }));
    expect(back.equals(data)).toBe(true);
    expect(emulator.faults.counts.download - before).toBe(3);
  });

  it("maps 401 to DESTINATION_AUTH with the fix in the message", async () => {
    emulator.faults.requireToken("the-only-token");
    const dest = emulatedDestination(emulator);
    const error = await dest
      .put("x", Readable.from([Buffer.from("x")]), { signal: signal() })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "DESTINATION_AUTH" });
    const text = describeError(error);
    expect(text).toContain("gcloud auth application-default login");
    expect(text).toContain("keyFile");
    expect(text).not.toContain("the-only-token");
    expect(emulator.objectNames("backups")).toEqual([]);
  });

  it("maps a 403 to DESTINATION_PERMISSION naming the missing permission", async () => {
    const dest = emulatedDestination(emulator);
    emulator.faults.fail({
      status: 403,
      kind: "list",
      message:
        "backup@p.iam.gserviceaccount.com does not have storage.objects.list access to the Google Cloud Storage bucket.",
    });
    const listing = async () => {
      for await (const _ of dest.list("")) {
        // drain
      }
    };
    const error = await listing().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "DESTINATION_PERMISSION" });
    expect(describeError(error)).toContain("storage.objects.list");
  });

  it("maps a missing bucket to DESTINATION_NOT_FOUND for put, list, get and delete", async () => {
    const dest = emulatedDestination(emulator, { bucket: "no-such-bucket" });
    await expect(
      dest.put("x", Readable.from([Buffer.from("x")]), { signal: signal() }),
    ).rejects.toMatchObject({
      code: "DESTINATION_NOT_FOUND",
    });
    const listing = async () => {
      for await (const _ of dest.list("")) {
        // drain
      }
    };
    await expect(listing()).rejects.toMatchObject({ code: "DESTINATION_NOT_FOUND" });
    await expect(dest.get("x", { signal: signal() })).rejects.toMatchObject({
      code: "DESTINATION_NOT_FOUND",
    });
    await expect(dest.delete("x")).rejects.toMatchObject({ code: "DESTINATION_NOT_FOUND" });
  });
});
