import { access, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir, withTempDir } from "./temp-dir.js";

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe("temp folders", () => {
  it("withTempDir removes the folder and its contents even when the test body throws", async () => {
    let seen = "";
    await expect(
      withTempDir(async (path) => {
        seen = path;
        await writeFile(join(path, "file"), "x");
        throw new Error("test failed");
      }),
    ).rejects.toThrow("test failed");
    expect(seen).not.toBe("");
    expect(await exists(seen)).toBe(false);
  });

  it("tempDir gives a fresh folder each time, removed on request", async () => {
    const a = await tempDir();
    const b = await tempDir();
    expect(a.path).not.toBe(b.path);
    await writeFile(join(a.path, "file"), "x");
    await a.remove();
    await b.remove();
    expect(await exists(a.path)).toBe(false);
  });
});
