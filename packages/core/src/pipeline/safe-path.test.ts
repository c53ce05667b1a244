import { mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CairnError } from "../errors.js";
import { ParentGuard, safeTargetPath } from "./safe-path.js";

describe("safeTargetPath", () => {
  const root = "/restore/here";

  it("places ordinary entries under the target", () => {
    expect(safeTargetPath(root, "data/a b/ü.txt")).toBe("/restore/here/data/a b/ü.txt");
    expect(safeTargetPath(root, "./data//x")).toBe("/restore/here/data/x");
  });

  it.each([
    ["../etc/passwd", "'..'"],
    ["data/../../x", "'..'"],
    ["/etc/passwd", "absolute"],
    ["C:/Windows/x", "absolute"],
    ["..\\..\\x", "'..'"],
    ["a\0b", "NUL"],
  ])("refuses %j", (path, why) => {
    expect(() => safeTargetPath(root, path)).toThrow(why);
    try {
      safeTargetPath(root, path);
    } catch (error) {
      expect(CairnError.is(error, "RESTORE_UNSAFE")).toBe(true);
    }
  });
});

describe("ParentGuard", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "cairn-guard-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("refuses to write through a symbolic link inside the target", async () => {
    const outside = await mkdtemp(join(tmpdir(), "cairn-outside-"));
    await symlink(outside, join(root, "link"));
    const guard = new ParentGuard(root);
    await expect(guard.check(join(root, "link", "passwd"), "link/passwd")).rejects.toThrow(
      /not a plain folder/,
    );
    await rm(outside, { recursive: true, force: true });
  });

  it("lets entries into real folders and folders not made yet", async () => {
    await mkdir(join(root, "a"));
    const guard = new ParentGuard(root);
    await guard.check(join(root, "a", "file"), "a/file");
    await guard.check(join(root, "new", "deep", "file"), "new/deep/file");
  });
});
