import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { createZstdDecompress } from "node:zlib";
import { describe, expect, it } from "vitest";
import { FrameEnds, frameSplitter } from "./frame-ends.js";
import { zstdInParallel } from "./zstd-in-parallel.js";

/** Text, random bytes and one repeated byte, so that frames hold compressed, raw and RLE blocks. */
function content(scale = 1): Buffer {
  const rows = Array.from({ length: 90_000 * scale }, (_, i) => `row ${i % 1013};${i * 31};ok\n`);
  const text = Buffer.from(rows.join(""));
  return Buffer.concat([text, randomBytes(300_000 * scale), Buffer.alloc(700_000 * scale, 7), text]);
}

async function compressed(data: Buffer): Promise<Buffer> {
  return buffer(Readable.from(zstdInParallel(Readable.from([data]), 3)));
}

function chunked(data: Buffer, size: number): Buffer[] {
  const out = [];
  for (let at = 0; at < data.length; at += size) out.push(data.subarray(at, at + size));
  return out;
}

/** A skippable frame (RFC 8878, 3.1.2), which readers must pass over. */
function skippable(payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32LE(0x184d2a53, 0);
  head.writeUInt32LE(payload.length, 4);
  return Buffer.concat([head, payload]);
}

describe("zstd frames", () => {
  it("cuts a stream of many frames at each frame's end, whatever the chunk sizes", async () => {
    const data = content(1.5);
    const zst = Buffer.concat([skippable(Buffer.from("note")), await compressed(data)]);
    /** The pieces' ends, given chunks of `size`; throws unless the pieces are the stream, in views. */
    const pieceEnds = (size: number) => {
      const ends = new FrameEnds();
      const cuts: number[] = [];
      let total = 0;
      let views = true;
      for (let at = 0; at < zst.length; at += size) {
        for (const piece of ends.split(zst.subarray(at, at + size))) {
          views &&= piece.buffer === zst.buffer && piece.byteOffset === zst.byteOffset + total;
          total += piece.length;
          cuts.push(total);
        }
      }
      ends.end();
      expect({ total, views }).toEqual({ total: zst.length, views: true });
      return cuts;
    };
    // Given whole, the stream is cut exactly at its frames' ends: the skippable one, then one per MiB.
    const frames = pieceEnds(zst.length);
    expect(frames.length).toBe(1 + Math.ceil(data.length / 2 ** 20));
    for (const size of [1, 7, 4096]) {
      // No piece runs past a frame's end: every frame's end is also a piece's end.
      const cuts = pieceEnds(size);
      let next = 0;
      for (const cut of cuts) if (cut === frames[next]) next++;
      expect(next, `chunks of ${size}`).toBe(frames.length);
    }
    for (const size of [4096, 333_333, zst.length]) {
      // Through Node's decompressor, as the tar reader feeds it.
      const out = await buffer(
        Readable.from(chunked(zst, size)).pipe(frameSplitter()).pipe(createZstdDecompress()),
      );
      expect(out.equals(data), `chunks of ${size}`).toBe(true);
    }
  }, 30_000);

  it("finds that a stream was cut short, and that something is not zstd at all", async () => {
    const zst = await compressed(content());
    const ends = new FrameEnds();
    ends.split(zst.subarray(0, zst.length - 3));
    expect(() => ends.end()).toThrow(/cut short/);
    expect(() => new FrameEnds().split(Buffer.from("PK\u0003\u0004 not zstd"))).toThrow(/not a zstd frame/);
    const cut = Readable.from([zst.subarray(0, 1000)]).pipe(frameSplitter());
    await expect(buffer(cut)).rejects.toThrow(/cut short/);
  });
});
