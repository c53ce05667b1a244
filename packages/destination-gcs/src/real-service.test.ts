import { Readable } from "node:stream";
import { silentLogger } from "@cairn/core";
import { describe, expect, it } from "vitest";
import { readAll, signal } from "./__fixtures__/emulated.js";
import { createGcsDestination } from "./destination.js";
import { gcsOptions } from "./options.js";

// Against the real service when a bucket and credentials are given; the emulator covers the rest.
const bucket = process.env.CAIRN_TEST_GCS_BUCKET;
const reason =
  "set CAIRN_TEST_GCS_BUCKET (and GOOGLE_APPLICATION_CREDENTIALS or gcloud ADC) to run against Cloud Storage";

describe.skipIf(!bucket)(
  `GCS destination on the real service (${bucket ? `gs://${bucket}` : `skipped: ${reason}`})`,
  () => {
    it("uploads, lists, reads back, refuses an overwrite and deletes", { timeout: 120_000 }, async () => {
      const prefix = `cairn-test-${Date.now()}/`;
      const dest = createGcsDestination(gcsOptions.parse({ bucket, prefix }), {
        baseDir: process.cwd(),
        logger: silentLogger,
      });
      const data = Buffer.from("cairn real-service round trip");
      await dest.put("job/a.zip", Readable.from([data]), { signal: signal() });
      try {
        await expect(
          dest.put("job/a.zip", Readable.from([data]), { signal: signal() }),
        ).rejects.toMatchObject({
          code: "DESTINATION_CONFLICT",
        });
        const keys: string[] = [];
        for await (const object of dest.list("job/")) keys.push(object.key);
        expect(keys).toEqual(["job/a.zip"]);
        expect((await readAll(await dest.get("job/a.zip", { signal: signal() }))).equals(data)).toBe(true);
      } finally {
        await dest.delete("job/a.zip");
      }
    });
  },
);
