import { stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withTempDir } from "@cairn/testkit";
import { describe, expect, it } from "vitest";
import { ensureFolder } from "./ensure-folder.js";

describe("ensureFolder", () => {
  it("creates every missing level and accepts folders that exist", async () => {
    await withTempDir(async (dir) => {
      const deep = join(dir, "a", "b", "c");
      await ensureFolder(deep);
      await ensureFolder(deep);
      expect((await stat(deep)).isDirectory()).toBe(true);
    });
  });

  it("fails on a path through a file", async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, "file"), "");
      await expect(ensureFolder(join(dir, "file", "sub"))).rejects.toMatchObject({ code: "ENOTDIR" });
      await expect(ensureFolder(join(dir, "file"))).rejects.toMatchObject({ code: "ENOTDIR" });
    });
  });

  it("fails, rather than hangs, where the file system refuses new folders with ENOENT (/proc)", async () => {
    await expect(ensureFolder("/proc/cairn-backups/db")).rejects.toMatchObject({ code: "ENOENT" });
  }, 5000);
});
