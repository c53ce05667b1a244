import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { pipeline } from "node:stream/promises";
import { crc32 } from "node:zlib";
import { type SourceEntry, silentLogger } from "@cairn/core";
import { describe, expect, it } from "vitest";
import { createArchiver } from "../index.js";

const ctx = () => ({ signal: new AbortController().signal, logger: silentLogger });
const when = new Date("2025-01-02T03:04:05Z");
const BLOCK = randomBytes(1024 * 1024);
// Past 4 GiB, so sizes and the next entry's offset need zip64 fields.
const BIG = 4 * 1024 ** 3 + 3 * 1024 * 1024 + 12_345;

function* blocks(): Generator<Buffer> {
  for (let left = BIG; left > 0; left -= BLOCK.length) yield BLOCK.subarray(0, Math.min(left, BLOCK.length));
}

const bigContent = (): Readable => Readable.from(blocks());

const ZEROS = Buffer.alloc(1024 * 1024);
/** Deflates to a few MiB quickly: an entry whose uncompressed size alone needs zip64. */
const zeroContent = (): Readable =>
  Readable.from(
    (function* () {
      for (let left = BIG; left > 0; left -= ZEROS.length)
        yield ZEROS.subarray(0, Math.min(left, ZEROS.length));
    })(),
  );

function unzip(): string {
  try {
    execFileSync("unzip", ["-v"]);
    return "unzip";
  } catch {
    throw new Error("the system tool `unzip` is needed to cross-check archives: apt-get install unzip");
  }
}

describe("zip64", () => {
  it("writes entries over 4 GiB, stored and deflated, and one past the 4 GiB offset, that unzip and the reader accept", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cairn-zip64-big-"));
    try {
      async function* entries(): AsyncGenerator<SourceEntry> {
        yield { path: "huge.bin", type: "file", size: BIG, mtime: when, mode: 0o600, open: bigContent };
        yield { path: "zeros.img", type: "file", size: BIG, mtime: when, mode: 0o644, open: zeroContent };
        yield {
          path: "after.txt",
          type: "file",
          size: 6,
          mtime: when,
          mode: 0o644,
          open: () => Readable.from([Buffer.from("after\n")]),
        };
      }
      const file = join(dir, "big.zip");
      // Level 1: the zeros deflate ~3 times faster than at 6, and the zip64 records are the same.
      await pipeline(createArchiver("zip", { level: 1 }).write(entries(), ctx()), createWriteStream(file));
      expect((await stat(file)).size).toBeGreaterThan(BIG);
      expect(execFileSync(unzip(), ["-t", file], { encoding: "utf8" })).toMatch(/No errors detected/);

      const seen: { path: string; size: number; crc?: number; text?: string }[] = [];
      for await (const entry of createArchiver("zip").read(createReadStream(file), ctx())) {
        if (entry.path !== "after.txt" && entry.content) {
          let crc = 0;
          let size = 0;
          for await (const chunk of entry.content) {
            crc = crc32(chunk as Buffer, crc);
            size += (chunk as Buffer).length;
          }
          seen.push({ path: entry.path, size, crc });
        } else if (entry.content) {
          seen.push({ path: entry.path, size: entry.size, text: (await buffer(entry.content)).toString() });
        }
      }
      let expected = 0;
      for (const chunk of blocks()) expected = crc32(chunk, expected);
      let zerosCrc = 0;
      for await (const chunk of zeroContent()) zerosCrc = crc32(chunk as Buffer, zerosCrc);
      expect(seen).toEqual([
        { path: "huge.bin", size: BIG, crc: expected },
        { path: "zeros.img", size: BIG, crc: zerosCrc },
        { path: "after.txt", size: 6, text: "after\n" },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // 8 GiB through the writer, unzip -t and the reader: one to two minutes, more on a loaded machine.
  }, 300_000);
});
