import { chmod, mkdir, mkdtemp, rm, symlink, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../contracts/context.js";
import { createPathSource } from "./path-source.js";

const ctx = { signal: new AbortController().signal, logger: silentLogger };

describe("a folder's fingerprint", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "cairn-fp-"));
    await mkdir(join(dir, "data", "sub"), { recursive: true });
    await writeFile(join(dir, "data", "a.txt"), "alpha");
    await writeFile(join(dir, "data", "sub", "b\nnewline.txt"), "bravo");
    await symlink("a.txt", join(dir, "data", "link"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const fingerprint = (options: { include?: string[]; exclude?: string[] } = {}) =>
    createPathSource(join(dir, "data"), options).fingerprint!(ctx);

  it("is the same for an untouched tree, and reads no file to get there", async () => {
    const first = await fingerprint();
    await chmod(join(dir, "data", "a.txt"), 0o000);
    await chmod(join(dir, "data", "a.txt"), 0o644);
    expect(await fingerprint()).toBe(first);
    // An unreadable file still fingerprints: only names and metadata are looked at.
    await chmod(join(dir, "data", "a.txt"), 0o000);
    expect(await fingerprint()).toMatch(/^[0-9a-f]{64}$/);
  });

  it("changes with a file's mode, a link's target, and content of another size", async () => {
    const first = await fingerprint();
    await chmod(join(dir, "data", "a.txt"), 0o600);
    const moded = await fingerprint();
    expect(moded).not.toBe(first);
    await unlink(join(dir, "data", "link"));
    await symlink("sub", join(dir, "data", "link"));
    const relinked = await fingerprint();
    expect(relinked).not.toBe(moded);
    await writeFile(join(dir, "data", "sub", "b\nnewline.txt"), "bravo, longer");
    expect(await fingerprint()).not.toBe(relinked);
  });

  it("changes with the filters, even when they select the same files", async () => {
    const all = await fingerprint();
    expect(await fingerprint({ exclude: ["*.nothing"] })).not.toBe(all);
    expect(await fingerprint({ include: ["*"] })).not.toBe(all);
  });

  it("fails like the backup would when the folder is gone", async () => {
    await rm(join(dir, "data"), { recursive: true });
    await expect(fingerprint()).rejects.toMatchObject({ code: "SOURCE_NOT_FOUND" });
  });
});
