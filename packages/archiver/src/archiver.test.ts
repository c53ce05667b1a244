import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { pipeline } from "node:stream/promises";
import {
  type ArchivedEntry,
  type ArchiveFormat,
  CairnError,
  createPathSource,
  type SourceEntry,
  silentLogger,
} from "@cairn/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createArchiver } from "./index.js";

const ctx = () => ({ signal: new AbortController().signal, logger: silentLogger });
const when = new Date("2024-02-29T13:37:41Z");

function tool(name: string): string {
  try {
    execFileSync("which", [name]);
    return name;
  } catch {
    throw new Error(
      `the system tool \`${name}\` is needed to cross-check archives: apt-get install zip unzip tar`,
    );
  }
}

async function readAll(format: ArchiveFormat, file: string) {
  const out: (Omit<ArchivedEntry, "content"> & { data?: Buffer })[] = [];
  for await (const entry of createArchiver(format).read(createReadStream(file), ctx())) {
    const { content, ...rest } = entry;
    out.push(content ? { ...rest, data: await buffer(content) } : rest);
  }
  return out;
}

describe.each(["zip", "tar", "tar.gz", "tar.zst"] as const)("%s", (format) => {
  let dir: string;
  let archive: string;
  const random = randomBytes(300_000);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "cairn-archiver-"));
    const tree = join(dir, "tree");
    await mkdir(join(tree, "empty folder"), { recursive: true });
    await mkdir(join(tree, "sub"));
    await writeFile(join(tree, "sub", "notes ü ✓.txt"), "hello\n".repeat(2000));
    await writeFile(join(tree, "random.bin"), random);
    await writeFile(join(tree, "script.sh"), "#!/bin/sh\necho hi\n", { mode: 0o750 });
    await writeFile(join(tree, "empty.txt"), "");
    await symlink("sub/notes ü ✓.txt", join(tree, "link"));
    for (const name of ["sub/notes ü ✓.txt", "random.bin", "script.sh", "empty.txt", "empty folder", "sub"]) {
      await utimes(join(tree, name), when, when);
    }
    archive = join(dir, `tree${createArchiver(format).extension}`);
    const source = createPathSource(tree);
    await pipeline(
      createArchiver(format, { level: 6 }).write(source.entries(ctx()), ctx()),
      createWriteStream(archive),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("round-trips files, empty folders, symlinks, unicode names, modes and mtimes to the second", async () => {
    const entries = await readAll(format, archive);
    const byPath = new Map(entries.map((e) => [e.path, e]));
    expect([...byPath.keys()].sort()).toEqual(
      [
        "tree",
        "tree/empty folder",
        "tree/empty.txt",
        "tree/link",
        "tree/random.bin",
        "tree/script.sh",
        "tree/sub",
        "tree/sub/notes ü ✓.txt",
      ].sort(),
    );
    expect(byPath.get("tree/random.bin")!.data!.equals(random)).toBe(true);
    expect(byPath.get("tree/sub/notes ü ✓.txt")!.data!.toString()).toBe("hello\n".repeat(2000));
    expect(byPath.get("tree/empty.txt")!.data!.length).toBe(0);
    expect(byPath.get("tree/empty folder")!.type).toBe("directory");
    expect(byPath.get("tree/link")).toMatchObject({ type: "symlink", linkTarget: "sub/notes ü ✓.txt" });
    expect(byPath.get("tree/script.sh")!.mode).toBe(0o750);
    expect(byPath.get("tree/random.bin")!.mtime.getTime()).toBe(when.getTime());
    expect(byPath.get("tree/empty folder")!.mtime.getTime()).toBe(when.getTime());
  });

  it("makes an archive the system tools accept", () => {
    if (format === "zip") {
      expect(execFileSync(tool("unzip"), ["-t", archive], { encoding: "utf8" })).toMatch(
        /No errors detected/,
      );
    } else {
      const flags = { tar: ["-tf"], "tar.gz": ["-tzf"], "tar.zst": ["--zstd", "-tf"] }[format];
      const listing = execFileSync(tool("tar"), [...flags, archive], { encoding: "utf8" });
      expect(listing).toContain("tree/sub/notes ü ✓.txt");
    }
    if (format === "tar.zst") {
      // Several frames, one per block: the reference decoder takes them all, checksums included.
      execFileSync(tool("zstd"), ["-q", "-t", archive]);
    }
  });

  it("writes the trailer last, asked for only once every entry before it is written", async () => {
    for (const size of [40, 2 * 1024 * 1024]) {
      const read: string[] = [];
      const source = createPathSource(join(dir, "tree"));
      async function* watched() {
        for await (const entry of source.entries(ctx())) {
          if (entry.type !== "file") {
            yield entry;
            continue;
          }
          const open = entry.open!;
          yield {
            path: entry.path,
            type: entry.type,
            size: entry.size,
            mtime: entry.mtime,
            mode: entry.mode,
            open: () => open().once("end", () => read.push(entry.path)),
          } satisfies SourceEntry;
        }
      }
      let readWhenAsked: string[] = [];
      const body = Buffer.alloc(size, "i");
      const file = join(dir, `trailer-${size}${createArchiver(format).extension}`);
      const trailer = async (): Promise<SourceEntry> => {
        readWhenAsked = [...read];
        return {
          path: ".trailer",
          type: "file",
          size,
          mtime: when,
          mode: 0o600,
          open: () => Readable.from([body]),
        };
      };
      await pipeline(createArchiver(format).write(watched(), ctx(), { trailer }), createWriteStream(file));
      expect(readWhenAsked).toHaveLength(4);
      const entries = await readAll(format, file);
      expect(entries.at(-1)).toMatchObject({ path: ".trailer", type: "file", size });
      expect(entries.at(-1)!.data!.equals(body)).toBe(true);
      expect(entries).toHaveLength(9);
    }
  });

  it("refuses a damaged archive with ARCHIVE_INVALID", async () => {
    const bytes = await readFile(archive);
    // Flip bytes inside the random file's data, well past the headers.
    const damaged = Buffer.from(bytes);
    const at = damaged.indexOf(random.subarray(1000, 1032));
    const offset = at > 0 ? at : Math.floor(damaged.length / 2);
    for (let i = 0; i < 16; i++) damaged[offset + i]! ^= 0xff;
    const file = join(dir, `damaged${createArchiver(format).extension}`);
    await writeFile(file, damaged);
    const error = await readAll(format, file).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (format === "tar") {
      // A plain tar has no checksum over content: flipped data reads back as flipped data.
      expect(error).toBeUndefined();
    } else {
      expect(CairnError.is(error, "ARCHIVE_INVALID")).toBe(true);
    }
    const garbage = join(dir, "garbage");
    await writeFile(garbage, randomBytes(5000));
    const garbageError = await readAll(format, garbage).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(CairnError.is(garbageError, "ARCHIVE_INVALID")).toBe(true);
  });

  it("fails the archive when a file cannot be read to the end", async () => {
    async function* entries(): AsyncGenerator<SourceEntry> {
      yield {
        path: "broken.bin",
        type: "file",
        size: 200_000,
        mtime: when,
        mode: 0o644,
        open: () =>
          Readable.from(
            (async function* () {
              yield randomBytes(100_000);
              throw new Error("EIO: the disk went away");
            })(),
          ),
      };
    }
    const stream = createArchiver(format).write(entries(), ctx());
    await expect(buffer(stream)).rejects.toThrow(/EIO: the disk went away/);
  });

  it("stops when the run is aborted", async () => {
    const controller = new AbortController();
    async function* endless(): AsyncGenerator<SourceEntry> {
      for (let i = 0; ; i++) {
        yield {
          path: `f${i}`,
          type: "file",
          size: 10,
          mtime: when,
          mode: 0o644,
          open: () => Readable.from([Buffer.alloc(10)]),
        };
        if (i === 50) controller.abort(new CairnError("ABORTED", "stopped by the test"));
      }
    }
    const stream = createArchiver(format).write(endless(), {
      signal: controller.signal,
      logger: silentLogger,
    });
    await expect(buffer(stream)).rejects.toThrow(/stopped by the test/);
  });
});

describe.each(["zip", "tar", "tar.gz", "tar.zst"] as const)("%s failures", (format) => {
  /** A source whose iterator records whether it was closed, as a path source's would close its folder handles. */
  function trackedSource(entries: SourceEntry[]) {
    const state = { closed: false };
    async function* iterate(): AsyncGenerator<SourceEntry> {
      try {
        yield* entries;
      } finally {
        state.closed = true;
      }
    }
    return { state, entries: iterate() };
  }

  function streamedFile(path: string, chunks: () => AsyncGenerator<Buffer>, size: number): SourceEntry {
    return { path, type: "file", size, mtime: when, mode: 0o644, open: () => Readable.from(chunks()) };
  }

  it("fails the archive, and closes the source, when a large streamed file fails midway", async () => {
    const source = trackedSource([
      streamedFile(
        "big.bin",
        async function* () {
          yield randomBytes(1_500_000);
          throw new Error("EIO: read error on the backup disk");
        },
        3_000_000,
      ),
      streamedFile("after.txt", async function* () {}, 0),
    ]);
    const stream = createArchiver(format).write(source.entries, ctx());
    await expect(buffer(stream)).rejects.toThrow(/EIO: read error on the backup disk/);
    expect(source.state.closed).toBe(true);
  });

  it("fails the archive when the source's listing fails", async () => {
    async function* entries(): AsyncGenerator<SourceEntry> {
      yield streamedFile(
        "first.txt",
        async function* () {
          yield Buffer.from("one");
        },
        3,
      );
      throw new CairnError("SOURCE_UNREADABLE", "cannot read tree/locked: permission denied");
    }
    const error = await buffer(createArchiver(format).write(entries(), ctx())).catch((e: unknown) => e);
    expect(CairnError.is(error, "SOURCE_UNREADABLE")).toBe(true);
  });

  it("stops reading, and closes the source, soon after the run is aborted in the middle of a large file", async () => {
    const controller = new AbortController();
    let read = 0;
    const source = trackedSource([
      streamedFile(
        "endless.bin",
        async function* () {
          for (; ; read++) {
            if (read === 20) controller.abort(new CairnError("ABORTED", "stopped by the test"));
            // Very compressible, as a disk image's empty space is: its deflated blocks are tiny.
            yield Buffer.alloc(64 * 1024, read);
          }
        },
        64 * 1024 * 1024,
      ),
    ]);
    const stream = createArchiver(format).write(source.entries, {
      signal: controller.signal,
      logger: silentLogger,
    });
    await expect(buffer(stream)).rejects.toThrow(/stopped by the test/);
    expect(source.state.closed).toBe(true);
    // At most 4 MiB past the abort; the zip writer once read on until 256 KiB of output had
    // gathered, here 230 MiB, seconds of a SIGTERM ignored.
    expect(read - 20).toBeLessThan(64);
  });

  it.each([
    ["a large file", 64 * 1024 * 1024],
    ["a small file", 4096],
  ])(
    "stops, and closes the source, when the run is aborted while a read of %s never returns",
    async (_, size) => {
      const controller = new AbortController();
      const source = trackedSource([
        streamedFile("before.txt", async function* () {}, 0),
        {
          ...streamedFile(
            "on-a-hung-mount.bin",
            async function* () {
              yield Buffer.alloc(1024, 1);
              controller.abort(new CairnError("ABORTED", "stopped by the test"));
              // As a read on a hung network mount: it never returns, and nothing can cancel it.
              await new Promise(() => {});
            },
            size,
          ),
          read: () => {
            controller.abort(new CairnError("ABORTED", "stopped by the test"));
            return new Promise<Buffer>(() => {});
          },
        },
        streamedFile("after.txt", async function* () {}, 0),
      ]);
      const stream = createArchiver(format).write(source.entries, {
        signal: controller.signal,
        logger: silentLogger,
      });
      await expect(buffer(stream)).rejects.toThrow(/stopped by the test/);
      expect(source.state.closed).toBe(true);
    },
  );

  async function smallArchive(): Promise<Buffer> {
    const text = Buffer.from("a line that repeats\n".repeat(20_000));
    return buffer(
      createArchiver(format).write(
        (async function* () {
          yield streamedFile(
            "a.txt",
            async function* () {
              yield text;
            },
            text.length,
          );
          yield streamedFile(
            "b.bin",
            async function* () {
              yield randomBytes(200_000);
            },
            200_000,
          );
        })(),
        ctx(),
      ),
    );
  }

  it("reports a truncated archive as ARCHIVE_INVALID", async () => {
    const whole = await smallArchive();
    const cut = whole.subarray(0, Math.floor(whole.length * 0.6));
    const error = await (async () => {
      for await (const entry of createArchiver(format).read(Readable.from([cut]), ctx())) {
        if (entry.content) await buffer(entry.content);
      }
    })().catch((e: unknown) => e);
    expect(CairnError.is(error, "ARCHIVE_INVALID")).toBe(true);
    expect((error as Error).message).toContain(format);
  });

  it("passes a failure to fetch the archive on as it is, not as damage", async () => {
    const whole = await smallArchive();
    const dropped = Readable.from(
      (async function* () {
        yield whole.subarray(0, 1000);
        throw new Error("ECONNRESET: the destination hung up");
      })(),
    );
    const error = await (async () => {
      for await (const entry of createArchiver(format).read(dropped, ctx())) {
        if (entry.content) await buffer(entry.content);
      }
    })().catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/ECONNRESET/);
    expect(CairnError.is(error, "ARCHIVE_INVALID")).toBe(false);
  });

  it("gives names back exactly as stored, hostile ones too, for restore to judge", async () => {
    const names = ["../escape.txt", "/etc/cron.d/evil", "a\\b.txt", "ok/../../twice.txt"];
    const archive = await buffer(
      createArchiver(format).write(
        (async function* () {
          for (const name of names)
            yield streamedFile(
              name,
              async function* () {
                yield Buffer.from("x");
              },
              1,
            );
        })(),
        ctx(),
      ),
    );
    const seen: string[] = [];
    for await (const entry of createArchiver(format).read(Readable.from([archive]), ctx())) {
      seen.push(entry.path);
      entry.content?.resume();
    }
    expect(seen).toEqual(names);
  });

  it("spools what it must into the folder the context names, and removes it", async () => {
    const whole = await smallArchive();
    const scratch = await mkdtemp(join(tmpdir(), "cairn-reader-dir-"));
    try {
      const during: string[][] = [];
      for await (const entry of createArchiver(format).read(Readable.from([whole]), {
        ...ctx(),
        tempDir: scratch,
      })) {
        during.push(await readdir(scratch));
        entry.content?.resume();
      }
      // zip spools the archive to reach its index; tar reads it as it streams.
      if (format === "zip") expect(during[0]).toEqual([expect.stringMatching(/^cairn-zip-/)]);
      else expect(during[0]).toEqual([]);
      expect(await readdir(scratch)).toEqual([]);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });

  it("lets a reader stop early without leaving temporary files behind", async () => {
    const whole = await smallArchive();
    const previous = process.env.TMPDIR;
    const scratch = await mkdtemp(join(tmpdir(), "cairn-reader-tmp-"));
    // The zip reader spools to os.tmpdir(), which follows TMPDIR; this test file runs in its own process.
    process.env.TMPDIR = scratch;
    try {
      for await (const entry of createArchiver(format).read(Readable.from([whole]), ctx())) {
        expect(entry.path).toBe("a.txt");
        break;
      }
      expect(await readdir(scratch)).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      await rm(scratch, { recursive: true, force: true });
    }
  });
});

describe("zip", () => {
  it("stores incompressible files instead of deflating them", async () => {
    const random = randomBytes(1_000_000);
    async function* entries(): AsyncGenerator<SourceEntry> {
      yield {
        path: "random.bin",
        type: "file",
        size: random.length,
        mtime: when,
        mode: 0o644,
        open: () => Readable.from([random]),
      };
      yield {
        path: "text.txt",
        type: "file",
        size: 1_000_000,
        mtime: when,
        mode: 0o644,
        open: () => Readable.from([Buffer.alloc(1_000_000, "a")]),
      };
    }
    const zip = await buffer(createArchiver("zip").write(entries(), ctx()));
    // Stored: the archive is the random file plus headers, and the text deflated to almost nothing.
    expect(zip.length).toBeGreaterThan(random.length);
    expect(zip.length).toBeLessThan(random.length + 20_000);
    const dir = await mkdtemp(join(tmpdir(), "cairn-zip-store-"));
    try {
      await writeFile(join(dir, "a.zip"), zip);
      const listing = execFileSync(tool("unzip"), ["-v", join(dir, "a.zip")], { encoding: "utf8" });
      expect(listing).toMatch(/Stored.*random\.bin/);
      expect(listing).toMatch(/Defl.*text\.txt/);
      expect((await stat(join(dir, "a.zip"))).size).toBe(zip.length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("streams large files through, deflated or stored by their content, and unzip accepts them", async () => {
    const random = randomBytes(3_000_000);
    const text = Buffer.from("line of a log file that compresses well\n".repeat(100_000));
    async function* entries(): AsyncGenerator<SourceEntry> {
      yield {
        path: "big.bin",
        type: "file",
        size: random.length,
        mtime: when,
        mode: 0o600,
        open: () => Readable.from([random.subarray(0, 1_000_000), random.subarray(1_000_000)]),
      };
      yield {
        path: "big.log",
        type: "file",
        size: text.length,
        mtime: when,
        mode: 0o644,
        open: () => Readable.from([text]),
      };
    }
    const dir = await mkdtemp(join(tmpdir(), "cairn-zip-big-"));
    try {
      const file = join(dir, "big.zip");
      await pipeline(createArchiver("zip").write(entries(), ctx()), createWriteStream(file));
      const listing = execFileSync(tool("unzip"), ["-v", file], { encoding: "utf8" });
      expect(listing).toMatch(/Stored.*big\.bin/);
      expect(listing).toMatch(/Defl.*big\.log/);
      expect(execFileSync(tool("unzip"), ["-t", file], { encoding: "utf8" })).toMatch(/No errors detected/);
      const back = await readAll("zip", file);
      expect(back[0]!.data!.equals(random)).toBe(true);
      expect(back[1]!.data!.equals(text)).toBe(true);
      expect(back[0]!.mode).toBe(0o600);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("takes files of unknown size, small or large, streamed as a dump comes from its program", async () => {
    const dump = Buffer.from("COPY public.orders (id, total) FROM stdin;\n".repeat(50_000));
    const tiny = Buffer.from("just a few bytes");
    const unsized = (path: string, data: Buffer): SourceEntry => ({
      path,
      type: "file",
      mtime: when,
      mode: 0o600,
      open: () => Readable.from([data.subarray(0, 1000), data.subarray(1000)]),
    });
    const dir = await mkdtemp(join(tmpdir(), "cairn-zip-unsized-"));
    try {
      const file = join(dir, "dump.zip");
      async function* entries(): AsyncGenerator<SourceEntry> {
        yield unsized("db.dump", dump);
        yield unsized("tiny.txt", tiny);
      }
      await pipeline(createArchiver("zip").write(entries(), ctx()), createWriteStream(file));
      expect(execFileSync(tool("unzip"), ["-t", file], { encoding: "utf8" })).toMatch(/No errors detected/);
      const back = await readAll("zip", file);
      expect(back.map((e) => e.path)).toEqual(["db.dump", "tiny.txt"]);
      expect(back[0]!.data!.equals(dump)).toBe(true);
      expect(back[1]!.data!.equals(tiny)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("writes zip64 end records past 65,535 entries, which unzip and the reader accept", async () => {
    async function* entries(): AsyncGenerator<SourceEntry> {
      for (let i = 0; i < 70_000; i++) {
        yield {
          path: `d/${i}.txt`,
          type: "file",
          size: 2,
          mtime: when,
          mode: 0o644,
          open: () => Readable.from([Buffer.from("hi")]),
        };
      }
    }
    const dir = await mkdtemp(join(tmpdir(), "cairn-zip64-"));
    try {
      const file = join(dir, "many.zip");
      await pipeline(createArchiver("zip").write(entries(), ctx()), createWriteStream(file));
      expect(execFileSync(tool("unzip"), ["-t", "-q", file], { encoding: "utf8" })).toMatch(
        /No errors detected/,
      );
      let count = 0;
      for await (const entry of createArchiver("zip").read(createReadStream(file), ctx())) {
        entry.content?.resume();
        count++;
      }
      expect(count).toBe(70_000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("tar", () => {
  it("refuses a file without a size, which tar must write before the content, naming the fix", async () => {
    async function* entries(): AsyncGenerator<SourceEntry> {
      yield {
        path: "db.dump",
        type: "file",
        mtime: when,
        mode: 0o600,
        open: () => Readable.from([Buffer.from("x")]),
      };
    }
    const error = await buffer(createArchiver("tar").write(entries(), ctx())).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(CairnError.is(error, "PLUGIN_INVALID")).toBe(true);
    expect((error as CairnError).message).toContain("db.dump");
    expect((error as CairnError).hint).toContain("format: zip");
  });
});
