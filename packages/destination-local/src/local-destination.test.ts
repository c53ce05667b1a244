import { execFile } from "node:child_process";
import { mkdir, readdir, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { CairnError } from "@cairn/core";
import { bufferStream, collect, failingStream, tempDir } from "@cairn/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { localError } from "./errors.js";
import { createLocalDestination } from "./local-destination.js";

describe("local destination", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const signal = () => new AbortController().signal;

  beforeEach(async () => {
    dir = await tempDir("cairn-local-");
  });
  afterEach(async () => {
    await dir.remove();
  });

  it("never lists the temporary file of an upload that was cut off", async () => {
    const root = join(dir.path, "backups");
    const dest = createLocalDestination(root);
    await dest.put("db/a.zip", bufferStream("a"), { signal: signal() });
    // What a killed process leaves behind.
    await writeFile(join(root, "db", ".b.zip.0123456789ab.partial"), "half");
    const keys: string[] = [];
    for await (const object of dest.list("db/")) keys.push(object.key);
    expect(keys).toEqual(["db/a.zip"]);
  });

  it("removes its temporary file when the upload fails", async () => {
    const root = join(dir.path, "backups");
    const dest = createLocalDestination(root);
    await expect(dest.put("db/b.zip", failingStream(100_000), { signal: signal() })).rejects.toThrow();
    expect(await readdir(join(root, "db"))).toEqual([]);
  });

  it("reports a path through a regular file as DESTINATION_NOT_FOUND, naming the folder", async () => {
    await writeFile(join(dir.path, "not-a-folder"), "");
    const root = join(dir.path, "not-a-folder", "backups");
    const error = await createLocalDestination(root)
      .put("db/a.zip", bufferStream("a"), { signal: signal() })
      .catch((e: unknown) => e);
    expect(CairnError.is(error, "DESTINATION_NOT_FOUND")).toBe(true);
    expect((error as Error).message).toContain(root);
  });

  it("reports a folder it may not write to as DESTINATION_PERMISSION, naming the folder", async () => {
    // Tests run as root, whom chmod does not stop; the immutable attribute stops root too.
    const root = join(dir.path, "locked");
    await mkdir(root);
    await promisify(execFile)("chattr", ["+i", root]).catch((error: unknown) => {
      throw new Error(`this test needs chattr (e2fsprogs) and root to lock ${root}: ${String(error)}`);
    });
    try {
      const error = await createLocalDestination(root)
        .put("db/a.zip", bufferStream("a"), { signal: signal() })
        .catch((e: unknown) => e);
      expect(CairnError.is(error, "DESTINATION_PERMISSION")).toBe(true);
      expect((error as Error).message).toContain(root);
      expect((error as CairnError).hint).toContain(root);
    } finally {
      await promisify(execFile)("chattr", ["-i", root]);
    }
  });

  it("reports free space before its folder exists", async () => {
    const free = await createLocalDestination(join(dir.path, "not", "yet")).freeSpace?.();
    expect(free).toBeGreaterThan(0);
  });

  it("maps permission and full-disk errors to codes with a fix", () => {
    const denied = localError(
      Object.assign(new Error("EACCES"), { code: "EACCES" }),
      "write db/a.zip",
      "/mnt/b",
    );
    expect(denied.code).toBe("DESTINATION_PERMISSION");
    expect(denied.hint).toContain("/mnt/b");
    expect(localError(Object.assign(new Error("ENOSPC"), { code: "ENOSPC" }), "write x", "/mnt/b").code).toBe(
      "DESTINATION_QUOTA",
    );
  });

  it("creates the folder on first use and reads back what it wrote", async () => {
    const root = join(dir.path, "deep", "er", "backups");
    const dest = createLocalDestination(root);
    await mkdir(dir.path, { recursive: true });
    await dest.put("j/x", bufferStream("hello"), { signal: signal() });
    expect((await collect(await dest.get("j/x", { signal: signal() }))).toString()).toBe("hello");
  });

  it("clears what a killed upload left once it is a day old, and nothing younger or not its own", async () => {
    const root = join(dir.path, "backups");
    const dest = createLocalDestination(root);
    await dest.put("db/a.zip", bufferStream("a"), { signal: signal() });
    const old = join(root, "db", ".db-20261101T030000Z-k3f9.zip.0123456789ab.partial");
    const young = join(root, "db", ".db-20261201T030000Z-a1b2.zip.0123456789ab.partial");
    // Not the partial file of a backup cairn names: a user's, whatever it looks like.
    const foreign = [join(root, "db", "notes.partial"), join(root, "db", ".notes.zip.0123456789ab.partial")];
    for (const file of [old, young, ...foreign]) await writeFile(file, "half");
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    for (const file of [old, ...foreign]) await utimes(file, twoDaysAgo, twoDaysAgo);
    await dest.put("db/d.zip", bufferStream("d"), { signal: signal() });
    expect((await readdir(join(root, "db"))).sort()).toEqual([
      ".db-20261201T030000Z-a1b2.zip.0123456789ab.partial",
      ".notes.zip.0123456789ab.partial",
      "a.zip",
      "d.zip",
      "notes.partial",
    ]);
  });
});
