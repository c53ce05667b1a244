import { Readable } from "node:stream";
import { silentLogger } from "@cairn/core";
import { describe, expect, it } from "vitest";
import { collect, readAll, signal } from "./__fixtures__/emulated.js";
import { createDropboxDestination } from "./destination.js";
import { dropboxOptions } from "./options.js";

// Against the real service when a linked app is given; the emulator covers everything else.
const refreshToken = process.env.CAIRN_TEST_DROPBOX_REFRESH_TOKEN;
const appKey = process.env.CAIRN_TEST_DROPBOX_APP_KEY;
const enabled = Boolean(refreshToken && appKey);
const reason = "set CAIRN_TEST_DROPBOX_REFRESH_TOKEN and CAIRN_TEST_DROPBOX_APP_KEY to run against Dropbox";

describe.skipIf(!enabled)(
  `Dropbox destination on the real service (${enabled ? "enabled" : `skipped: ${reason}`})`,
  () => {
    it("uploads in a session, lists, reads back, refuses an overwrite, reports free space and deletes", {
      timeout: 180_000,
    }, async () => {
      const dest = createDropboxDestination(
        dropboxOptions.parse({
          appKey,
          refreshToken,
          path: `/cairn-test-${Date.now()}`,
          chunkSize: 4 * 1024 * 1024,
        }),
        { name: "real", logger: silentLogger },
      );
      const data = Buffer.alloc(5 * 1024 * 1024 + 17, 3);
      await dest.put("job/a.zip", Readable.from([data]), { signal: signal() });
      try {
        await expect(
          dest.put("job/a.zip", Readable.from([data]), { signal: signal() }),
        ).rejects.toMatchObject({
          code: "DESTINATION_CONFLICT",
        });
        expect((await collect(dest.list("job/"))).map((o) => o.key)).toEqual(["job/a.zip"]);
        expect((await readAll(await dest.get("job/a.zip", { signal: signal() }))).equals(data)).toBe(true);
        expect(await dest.freeSpace()).toBeGreaterThan(0);
      } finally {
        await dest.delete("job/a.zip");
      }
    });
  },
);
