import { crc32 } from "node:zlib";
import type { DeflateLanes } from "./deflate-lanes.js";
import { deflateInParallel } from "./parallel-deflate.js";

// RFC 1952: magic, deflate, no flags, no mtime, no extra flags, made on Unix.
const HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03]);

/**
 * A gzip stream of the content, deflated on several cores (as pigz does): one gzip member whose
 * deflate data is made of independently compressed blocks. The CRC-32 is taken on the way.
 */
export async function* gzipInParallel(
  content: AsyncIterable<Buffer>,
  lanes: DeflateLanes,
): AsyncGenerator<Buffer> {
  let crc = 0;
  let size = 0;
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of content) {
      crc = crc32(chunk, crc);
      size += chunk.length;
      yield chunk;
    }
  }
  yield HEADER;
  yield* deflateInParallel(counted(), lanes);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  // ISIZE is the length modulo 2^32 (RFC 1952).
  trailer.writeUInt32LE(size % 2 ** 32, 4);
  yield trailer;
}
