import { Readable } from "node:stream";
import { checkCapabilities, describeError, isPlugin } from "@cairn/core";
import { pluginContext } from "@cairn/testkit";
import { type GcsEmulator, startGcsEmulator } from "@cairn/testkit/gcs-emulator";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { signal } from "./__fixtures__/emulated.js";
import gcs from "./index.js";

let emulator: GcsEmulator;
beforeEach(async () => {
  emulator = await startGcsEmulator({ buckets: ["backups"] });
});
afterEach(async () => {
  await emulator.stop();
});

const ctx = pluginContext({ name: "cloud" });

describe("the gcs plugin", () => {
  it("is a branded destination plugin that marks credentials secret and keeps its declared capabilities", async () => {
    expect(isPlugin(gcs)).toBe(true);
    expect(gcs.type).toBe("gcs");
    expect(gcs.secrets).toEqual(["credentials"]);
    const dest = await gcs.create(gcs.options.parse({ bucket: "backups", apiEndpoint: emulator.url }), ctx);
    expect(() => checkCapabilities(gcs.type, gcs.capabilities, dest)).not.toThrow();
    await dest.put("k", Readable.from([Buffer.from("v")]), { signal: signal() });
    expect(emulator.objectNames("backups")).toEqual(["k"]);
    await dest.close();
    await dest.close();
  });

  it("gives prune a soft delete notice", async () => {
    emulator.setSoftDeletePolicy("backups", { retentionDurationSeconds: 3 * 86400 });
    const dest = await gcs.create(gcs.options.parse({ bucket: "backups", apiEndpoint: emulator.url }), ctx);
    expect(await dest.deletionNotice?.()).toMatch(/gs:\/\/backups has soft delete on.*3 days/);
  });

  it("reports an unusable service account key as DESTINATION_AUTH without repeating it", async () => {
    const key = {
      type: "service_account",
      project_id: "p",
      private_key_id: "kid",
      private_key: "-----BEGIN PRIVATE KEY-----\nNOTAREALKEYsecretmaterial\n-----END PRIVATE KEY-----\n",
      client_email: "backup@p.iam.gserviceaccount.com",
      client_id: "1",
      token_uri: `${emulator.url}/token`,
    };
    const options = gcs.options.parse({
      bucket: "backups",
      apiEndpoint: emulator.url,
      credentials: JSON.stringify(key),
      maxRetries: 0,
    });
    const dest = await gcs.create(options, ctx);
    const listing = async () => {
      for await (const _ of dest.list("")) {
        // drain
      }
    };
    const error = await listing().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "DESTINATION_AUTH" });
    expect(describeError(error)).not.toContain("NOTAREALKEY");
  });
});
