import { Transform } from "node:stream";

// Frame boundaries of a zstd stream (RFC 8878, sections 3.1.1 and 3.1.2), found from the frame
// and block headers alone, without decompressing.

const ZSTD_MAGIC = 0xfd2fb528;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;

type HeaderKind = "magic" | "descriptor" | "block" | "skippable-size";
type After = "block" | "checksum" | "frame-end";
type State = { header: HeaderKind; size: number } | { skip: number; after: After };

const MAGIC: State = { header: "magic", size: 4 };
const BLOCK: State = { header: "block", size: 3 };

/**
 * Cuts a zstd stream into pieces none of which runs past the end of a frame. Node's zstd
 * decompressor drops what follows a frame's end inside the same write, so a stream of several
 * frames (as cairn writes them, one per core) must reach it frame by frame. Pieces are views of
 * the input, never copies.
 */
export class FrameEnds {
  private state: State = MAGIC;
  private header: number[] = [];
  private checksum = false;

  /** Pieces of `chunk`, cut after each frame that ends inside it. */
  split(chunk: Buffer): Buffer[] {
    const pieces: Buffer[] = [];
    let start = 0;
    let at = 0;
    for (;;) {
      const state = this.state;
      if ("skip" in state && state.skip === 0) {
        if (state.after === "frame-end") {
          pieces.push(chunk.subarray(start, at));
          start = at;
          this.state = MAGIC;
        } else this.state = state.after === "checksum" ? { skip: 4, after: "frame-end" } : BLOCK;
        continue;
      }
      if (at >= chunk.length) break;
      if ("skip" in state) {
        const n = Math.min(state.skip, chunk.length - at);
        this.state = { skip: state.skip - n, after: state.after };
        at += n;
        continue;
      }
      this.header.push(chunk[at++]!);
      if (this.header.length < state.size) continue;
      const bytes = Buffer.from(this.header);
      this.header = [];
      this.state = this.afterHeader(state.header, bytes);
    }
    if (start < chunk.length) pieces.push(chunk.subarray(start));
    return pieces;
  }

  /** Throws unless the stream ended between two frames. */
  end(): void {
    if (this.state !== MAGIC || this.header.length > 0) {
      throw new Error("the zstd stream ends inside a frame: the archive is cut short");
    }
  }

  private afterHeader(kind: HeaderKind, bytes: Buffer): State {
    switch (kind) {
      case "magic": {
        const magic = bytes.readUInt32LE(0);
        if (magic === ZSTD_MAGIC) return { header: "descriptor", size: 1 };
        if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) return { header: "skippable-size", size: 4 };
        throw new Error("not a zstd frame (wrong magic number)");
      }
      case "skippable-size":
        return { skip: bytes.readUInt32LE(0), after: "frame-end" };
      case "descriptor": {
        const descriptor = bytes[0]!;
        const singleSegment = (descriptor & 0x20) !== 0;
        this.checksum = (descriptor & 0x04) !== 0;
        const window = singleSegment ? 0 : 1;
        const dictionary = [0, 1, 2, 4][descriptor & 0x03]!;
        const contentSize = [singleSegment ? 1 : 0, 2, 4, 8][descriptor >> 6]!;
        return { skip: window + dictionary + contentSize, after: "block" };
      }
      case "block": {
        const header = bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16);
        const last = (header & 1) === 1;
        const type = (header >> 1) & 3;
        if (type === 3) throw new Error("a zstd block of the reserved type: the archive is damaged");
        // An RLE block holds one byte, repeated Block_Size times when decoded.
        const size = type === 1 ? 1 : header >>> 3;
        return { skip: size, after: last ? (this.checksum ? "checksum" : "frame-end") : "block" };
      }
    }
  }
}

/** A stream that passes a zstd stream on cut at its frame ends, for Node's zstd decompressor. */
export function frameSplitter(): Transform {
  const ends = new FrameEnds();
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      try {
        // A flowing pipe hands each pushed piece on as a write of its own.
        for (const piece of ends.split(chunk)) this.push(piece);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback) {
      try {
        ends.end();
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}
