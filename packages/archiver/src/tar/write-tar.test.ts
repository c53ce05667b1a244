import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, readlink, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { CairnError, type SourceEntry, silentLogger } from "@cairn/core";
import { describe, expect, it } from "vitest";
import { createArchiver } from "../index.js";

const ctx = () => ({ signal: new AbortController().signal, logger: silentLogger });
const when = new Date("2031-07-04T09:08:07Z");

function file(path: string, content: Buffer, extra: Partial<SourceEntry> = {}): SourceEntry {
  return {
    path,
    type: "file",
    size: content.length,
    mtime: when,
    mode: 0o640,
    open: () => Readable.from([content]),
    ...extra,
  };
}

async function* list(...entries: SourceEntry[]): AsyncGenerator<SourceEntry> {
  yield* entries;
}

function systemTar(): string {
  try {
    execFileSync("tar", ["--version"]);
    return "tar";
  } catch {
    throw new Error("the system `tar` is needed to cross-check archives: apt-get install tar");
  }
}

describe("tar writer", () => {
  it("keeps names and link targets past ustar's 100 bytes, which GNU tar extracts as written", async () => {
    const deep = `${"a-folder-with-a-long-name/".repeat(6)}résumé ✓ final.txt`;
    const target = `../${"b".repeat(150)}`;
    const archive = await buffer(
      createArchiver("tar.gz").write(
        list(file(deep, Buffer.from("deep\n")), {
          path: "link",
          type: "symlink",
          size: 0,
          mtime: when,
          mode: 0o777,
          linkTarget: target,
        }),
        ctx(),
      ),
    );
    const dir = await mkdtemp(join(tmpdir(), "cairn-tar-pax-"));
    try {
      await writeFile(join(dir, "a.tar.gz"), archive);
      execFileSync(systemTar(), ["xzf", "a.tar.gz"], { cwd: dir });
      expect(await readFile(join(dir, deep), "utf8")).toBe("deep\n");
      expect((await stat(join(dir, deep))).mtime.getTime()).toBe(when.getTime());
      expect((await stat(join(dir, deep))).mode & 0o777).toBe(0o640);
      expect(await readlink(join(dir, "link"))).toBe(target);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const back = [];
    for await (const entry of createArchiver("tar.gz").read(Readable.from([archive]), ctx())) {
      back.push({
        path: entry.path,
        linkTarget: entry.linkTarget,
        data: entry.content && (await buffer(entry.content)),
      });
    }
    expect(back[0]).toMatchObject({ path: deep, data: Buffer.from("deep\n") });
    expect(back[1]).toMatchObject({ path: "link", linkTarget: target });
  });

  it("keeps mtimes past 2038 and before 1970, outside ustar's field, as GNU tar and the reader see them", async () => {
    const late = new Date("2107-03-01T12:00:00Z");
    const early = new Date("1965-05-05T05:05:05Z");
    const archive = await buffer(
      createArchiver("tar").write(
        list(
          file("late.txt", Buffer.from("late"), { mtime: late }),
          file("early.txt", Buffer.from("early"), { mtime: early }),
        ),
        ctx(),
      ),
    );
    const dir = await mkdtemp(join(tmpdir(), "cairn-tar-mtime-"));
    try {
      await writeFile(join(dir, "a.tar"), archive);
      execFileSync(systemTar(), ["xf", "a.tar"], { cwd: dir, stdio: "pipe" });
      expect((await stat(join(dir, "late.txt"))).mtime.getTime()).toBe(late.getTime());
      expect((await stat(join(dir, "early.txt"))).mtime.getTime()).toBe(early.getTime());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const back = new Map<string, number>();
    for await (const entry of createArchiver("tar").read(Readable.from([archive]), ctx())) {
      back.set(entry.path, entry.mtime.getTime());
      entry.content?.resume();
    }
    expect(back).toEqual(
      new Map([
        ["late.txt", late.getTime()],
        ["early.txt", early.getTime()],
      ]),
    );
  });

  it("keeps a mode of 0000, which must not restore as readable", async () => {
    const locked = file("locked.key", Buffer.from("secret"), { mode: 0 });
    const folder: SourceEntry = { path: "sealed", type: "directory", size: 0, mtime: when, mode: 0 };
    const archive = await buffer(createArchiver("tar").write(list(folder, locked), ctx()));
    const listing = execFileSync(systemTar(), ["tvf", "-"], { input: archive, encoding: "utf8" });
    expect(listing).toMatch(/^d-{9} .* sealed\/$/m);
    expect(listing).toMatch(/^-{10} .* locked\.key$/m);
    const modes = new Map<string, number>();
    for await (const entry of createArchiver("tar").read(Readable.from([archive]), ctx())) {
      modes.set(entry.path, entry.mode);
      entry.content?.resume();
    }
    expect(modes).toEqual(
      new Map([
        ["sealed", 0],
        ["locked.key", 0],
      ]),
    );
  });

  it.each([
    ["small, read whole", 1000],
    ["large, streamed", 3_000_000],
  ])("fails with SOURCE_CHANGED when a %s file is not the size it was listed with", async (_, size) => {
    const grown = file("grows.log", Buffer.alloc(size + 10, "x"), { size });
    const error = await buffer(createArchiver("tar").write(list(grown), ctx())).catch((e: unknown) => e);
    expect(CairnError.is(error, "SOURCE_CHANGED")).toBe(true);
    expect((error as Error).message).toContain("grows.log");
    const shrunk = file("shrinks.log", Buffer.alloc(size - 10, "x"), { size });
    const error2 = await buffer(createArchiver("tar").write(list(shrunk), ctx())).catch((e: unknown) => e);
    expect(CairnError.is(error2, "SOURCE_CHANGED")).toBe(true);
  });

  it("writes a tar.zst of many frames that tar --zstd and zstd -d open, at the level asked for", async () => {
    const log = Buffer.from(
      Array.from({ length: 200_000 }, (_, i) => `GET /item/${i % 5000} 200\n`).join(""),
    );
    const noise = randomBytes(2_500_000);
    const entries = () => list(file("logs/access.log", log), file("noise.bin", noise));
    const fast = await buffer(createArchiver("tar.zst", { level: 1 }).write(entries(), ctx()));
    const small = await buffer(createArchiver("tar.zst", { level: 19 }).write(entries(), ctx()));
    expect(small.length).toBeLessThan(fast.length);
    const dir = await mkdtemp(join(tmpdir(), "cairn-tar-zst-"));
    try {
      await writeFile(join(dir, "a.tar.zst"), fast);
      const quiet = { cwd: dir, encoding: "utf8", stdio: "pipe" } as const;
      const frames = /Zstandard Frames: (\d+)/.exec(execFileSync("zstd", ["-lv", "a.tar.zst"], quiet));
      expect(Number(frames?.[1])).toBeGreaterThan(3);
      execFileSync("zstd", ["-q", "-d", "a.tar.zst", "-o", "a.tar"], quiet);
      expect(execFileSync(systemTar(), ["-tf", "a.tar"], quiet)).toContain("noise.bin");
      execFileSync(systemTar(), ["--zstd", "-xf", "a.tar.zst"], quiet);
      expect((await readFile(join(dir, "logs/access.log"))).equals(log)).toBe(true);
      expect((await readFile(join(dir, "noise.bin"))).equals(noise)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const back = new Map<string, Buffer>();
    for await (const entry of createArchiver("tar.zst").read(Readable.from([small]), ctx())) {
      if (entry.content) back.set(entry.path, await buffer(entry.content));
    }
    expect(back.get("logs/access.log")?.equals(log)).toBe(true);
    expect(back.get("noise.bin")?.equals(noise)).toBe(true);
  }, 30_000);
});
