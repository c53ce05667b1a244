import { chmod, mkdir, mkdtemp, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { text } from "node:stream/consumers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SecretSet } from "../config/secrets.js";
import { silentLogger } from "../contracts/context.js";
import type { SourceEntry } from "../contracts/source.js";
import { CairnError } from "../errors.js";
import { createPathSource, pathSource } from "./path-source.js";

const ctx = { signal: new AbortController().signal, logger: silentLogger };

async function collect(entries: AsyncIterable<SourceEntry>): Promise<SourceEntry[]> {
  const out: SourceEntry[] = [];
  for await (const entry of entries) out.push(entry);
  return out;
}

describe("path source", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "cairn-src-"));
    const data = join(dir, "data");
    await mkdir(join(data, "sub", "deeper"), { recursive: true });
    await mkdir(join(data, "empty"));
    await mkdir(join(data, "cache"));
    await writeFile(join(data, "a.txt"), "alpha");
    await writeFile(join(data, "b.tmp"), "temp");
    await writeFile(join(data, "cache", "big.bin"), "cached");
    await writeFile(join(data, "sub", "c.sql"), "select 1;");
    await writeFile(join(data, "sub", "deeper", "d.txt"), "delta");
    await symlink("a.txt", join(data, "link-to-a"));
    await utimes(join(data, "a.txt"), new Date("2020-01-02T03:04:05Z"), new Date("2020-01-02T03:04:05Z"));
    await chmod(join(data, "a.txt"), 0o640);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("walks a folder in name order under its own name, keeping empty folders and links as links", async () => {
    const entries = await collect(createPathSource(join(dir, "data")).entries(ctx));
    expect(entries.map((e) => `${e.type[0]} ${e.path}`)).toEqual([
      "d data",
      "f data/a.txt",
      "f data/b.tmp",
      "d data/cache",
      "d data/empty",
      "s data/link-to-a",
      "d data/sub",
      "f data/cache/big.bin",
      "f data/sub/c.sql",
      "d data/sub/deeper",
      "f data/sub/deeper/d.txt",
    ]);
    const paths = entries.map((e) => e.path);
    // A folder always comes before what it holds.
    for (const entry of entries) {
      const parent = entry.path.split("/").slice(0, -1).join("/");
      if (parent) expect(paths.indexOf(parent)).toBeLessThan(paths.indexOf(entry.path));
    }
    const a = entries.find((e) => e.path === "data/a.txt")!;
    expect(a).toMatchObject({ size: 5, mode: 0o640, mtime: new Date("2020-01-02T03:04:05Z") });
    expect(await text(a.open!())).toBe("alpha");
    expect(entries.find((e) => e.path === "data/link-to-a")).toMatchObject({
      type: "symlink",
      linkTarget: "a.txt",
      size: 0,
    });
  });

  it("leaves out excluded names at any depth and does not enter excluded folders", async () => {
    const source = createPathSource(join(dir, "data"), { exclude: ["*.tmp", "cache"] });
    const paths = (await collect(source.entries(ctx))).map((e) => e.path);
    expect(paths).not.toContain("data/b.tmp");
    expect(paths).not.toContain("data/cache");
    expect(paths).not.toContain("data/cache/big.bin");
    expect(paths).toContain("data/sub/c.sql");
  });

  it("takes only included files, with just the folders that lead to them", async () => {
    const source = createPathSource(join(dir, "data"), { include: ["*.txt"] });
    const paths = (await collect(source.entries(ctx))).map((e) => e.path);
    expect(paths).toEqual(["data", "data/a.txt", "data/sub", "data/sub/deeper", "data/sub/deeper/d.txt"]);
  });

  it("backs up a single file under its own name", async () => {
    const entries = await collect(createPathSource(join(dir, "data", "sub", "c.sql")).entries(ctx));
    expect(entries.map((e) => e.path)).toEqual(["c.sql"]);
  });

  it("resolves relative paths from the config's folder", async () => {
    const source = await pathSource.create(
      { path: "data/a.txt" },
      { logger: silentLogger, baseDir: dir, name: "j", secrets: new SecretSet() },
    );
    expect(source.describe()).toBe(`path ${join(dir, "data", "a.txt")}`);
  });

  it("fails with SOURCE_NOT_FOUND naming a missing path", async () => {
    const source = createPathSource(join(dir, "nope"));
    await expect(collect(source.entries(ctx))).rejects.toSatisfy(
      (e) => CairnError.is(e, "SOURCE_NOT_FOUND") && (e as Error).message.includes(join(dir, "nope")),
    );
  });

  it("reads a file whole, also when it grew or shrank after the walk looked at it", async () => {
    const entries = await collect(createPathSource(join(dir, "data")).entries(ctx));
    const byPath = (path: string) => entries.find((e) => e.path === path)!;
    expect((await byPath("data/a.txt").read!()).toString()).toBe("alpha");
    const grown = "alpha, and a line appended while the backup ran\n".repeat(2000);
    await writeFile(join(dir, "data", "a.txt"), grown);
    await writeFile(join(dir, "data", "b.tmp"), "t");
    expect((await byPath("data/a.txt").read!()).toString()).toBe(grown);
    expect((await byPath("data/b.tmp").read!()).toString()).toBe("t");
  });

  it("fails naming a file that vanishes during the walk, never leaving a silent hole", async () => {
    const source = createPathSource(join(dir, "data"));
    const iterator = source.entries(ctx)[Symbol.asyncIterator]();
    await iterator.next(); // "data"
    await iterator.next(); // "data/a.txt": the folder is listed now, b.tmp perhaps looked at already
    await rm(join(dir, "data", "b.tmp"));
    await expect(
      (async () => {
        // As an archiver does: every file is read, so one gone after its lstat fails too.
        for (let r = await iterator.next(); !r.done; r = await iterator.next()) await r.value.read?.();
      })(),
    ).rejects.toSatisfy(
      (e) => CairnError.is(e, "SOURCE_UNREADABLE") && (e as Error).message.includes("data/b.tmp"),
    );
  });
});
