import { Readable } from "node:stream";
import { checkCapabilities, describeError, isPlugin } from "@cairn/core";
import { pluginContext } from "@cairn/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { APP_KEY, type EmulatedAccount, emulatedAccount, signal } from "./__fixtures__/emulated.js";
import dropbox from "./index.js";

let account: EmulatedAccount | undefined;
afterEach(async () => {
  await account?.emu.close();
  account = undefined;
});

const ctx = pluginContext({ name: "offsite" });

describe("the dropbox plugin", () => {
  it("is a branded destination plugin with its secrets marked and every declared capability implemented", async () => {
    account = await emulatedAccount();
    expect(isPlugin(dropbox)).toBe(true);
    expect(dropbox.type).toBe("dropbox");
    expect(dropbox.secrets).toEqual(["appSecret", "refreshToken"]);
    expect(dropbox.capabilities).toEqual({
      delete: true,
      freeSpace: true,
      deleteMany: true,
      exclusiveCreate: true,
      compareAndSwap: true,
    });
    const options = dropbox.options.parse({
      appKey: APP_KEY,
      refreshToken: account.refreshToken,
      path: "/backups/",
      apiBaseUrl: account.emu.url,
    });
    const dest = await dropbox.create(options, ctx);
    expect(() => checkCapabilities(dropbox.type, dropbox.capabilities, dest)).not.toThrow();
    await dest.put("j/a.zip", Readable.from([Buffer.from("a")]), { signal: signal() });
    expect(account.emu.filePaths()).toEqual(["/backups/j/a.zip"]);
  });

  it("explains bad options: a chunk size that is not a multiple of 4 MiB, a path without a leading slash, unknown keys", () => {
    const parse = (extra: Record<string, unknown>) =>
      dropbox.options.safeParse({ appKey: "k", refreshToken: "r", ...extra });
    expect(parse({ chunkSize: 5 * 1024 * 1024 }).error?.issues[0]?.message).toMatch(/multiple of 4194304/);
    expect(parse({ path: "backups" }).error?.issues[0]?.message).toMatch(/must start with "\/"/);
    expect(parse({ acessToken: "x" }).success).toBe(false);
    expect(parse({}).data).toMatchObject({ path: "", chunkSize: 8 * 1024 * 1024 });
  });

  it("gives a message that says what to do when the app key is wrong", async () => {
    account = await emulatedAccount();
    const dest = account.destination({ appKey: "someone-elses-app" });
    const error = await dest.freeSpace().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "DESTINATION_AUTH" });
    expect(describeError(error)).toMatch(/check appKey/);
    expect(describeError(error)).not.toContain(account.refreshToken);
  });
});
