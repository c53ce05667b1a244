import type { Readable } from "node:stream";

export interface Chunk {
  data: Buffer;
  /** True for the rest of the stream (shorter than a chunk, maybe empty): nothing follows. */
  final: boolean;
}

/**
 * Cuts a stream into chunks of exactly `size` bytes, then one final remainder. The stream is
 * only read when the next chunk is asked for, so at most one chunk is held in memory while
 * it is being sent.
 */
export async function* chunksOf(body: Readable, size: number): AsyncGenerator<Chunk> {
  let buffer = Buffer.allocUnsafe(size);
  let filled = 0;
  for await (const piece of body) {
    const bytes: Buffer = typeof piece === "string" ? Buffer.from(piece) : (piece as Buffer);
    let at = 0;
    while (at < bytes.length) {
      const take = Math.min(size - filled, bytes.length - at);
      bytes.copy(buffer, filled, at, at + take);
      filled += take;
      at += take;
      if (filled === size) {
        yield { data: buffer, final: false };
        buffer = Buffer.allocUnsafe(size);
        filled = 0;
      }
    }
  }
  yield { data: buffer.subarray(0, filled), final: true };
}
