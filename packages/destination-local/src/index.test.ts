import { access } from "node:fs/promises";
import { join } from "node:path";
import { checkCapabilities, isPlugin } from "@cairn/core";
import { bufferStream, pluginContext, withTempDir } from "@cairn/testkit";
import { describe, expect, it } from "vitest";
import local from "./index.js";

describe("the local plugin", () => {
  it("is a destination plugin whose declared capabilities are all there", async () => {
    expect(isPlugin(local)).toBe(true);
    expect(local.type).toBe("local");
    const dest = await local.create(
      local.options.parse({ path: "/tmp" }),
      pluginContext({ baseDir: "/", name: "disk" }),
    );
    expect(() => checkCapabilities(local.type, local.capabilities, dest)).not.toThrow();
  });

  it("puts a relative path under the config file's folder", async () => {
    await withTempDir(async (baseDir) => {
      const dest = await local.create(
        local.options.parse({ path: "backups" }),
        pluginContext({ baseDir, name: "disk" }),
      );
      await dest.put("db/a.zip", bufferStream("a"), { signal: new AbortController().signal });
      await access(join(baseDir, "backups", "db", "a.zip"));
    });
  });

  it("rejects a misspelled or empty option, naming it", () => {
    expect(local.options.safeParse({ pth: "/b" }).success).toBe(false);
    expect(local.options.safeParse({ path: "/b", extra: 1 }).error?.issues[0]?.message).toMatch(/extra/);
    expect(local.options.safeParse({ path: "" }).success).toBe(false);
  });
});
