import { createHash } from "node:crypto";
import { Readable } from "node:stream";

const CHUNK = 64 * 1024;
/** Bytes of xorshift output a seed's streams repeat: wider than deflate's 32 KiB window. */
const BLOCK = 1024 * 1024;
const blocks = new Map<number, Buffer>();

function blockFor(seed: number): Buffer {
  let block = blocks.get(seed);
  if (block) return block;
  block = Buffer.allocUnsafe(BLOCK);
  let state = seed;
  for (let i = 0; i < BLOCK; i += 4) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    block.writeUInt32LE(state >>> 0, i);
  }
  blocks.set(seed, block);
  return block;
}

/**
 * `bytes` deterministic pseudo-random bytes (xorshift from `seed`), made as they are read: a
 * 4 GiB test stream costs no memory, and a large one is quick to make. Each 64 KiB chunk
 * starts with its own index, so no two chunks are alike (a chunk sent twice or out of order
 * changes the hash); incompressible to deflate, like most real archives.
 */
export function randomStream(bytes: number, seed = 1): Readable {
  const block = blockFor(seed >>> 0 || 1);
  let left = bytes;
  let index = 0;
  return new Readable({
    highWaterMark: CHUNK,
    read() {
      if (left <= 0) {
        this.push(null);
        return;
      }
      const size = Math.min(CHUNK, left);
      const at = (index * CHUNK) % BLOCK;
      const chunk = Buffer.from(block.subarray(at, at + size));
      if (size >= 4) chunk.writeUInt32LE(index >>> 0, 0);
      index += 1;
      left -= size;
      this.push(chunk);
    },
  });
}

/** A stream that yields `bytes` bytes, then fails with `error`: a disk or network dying mid-upload. */
export function failingStream(
  bytes: number,
  error: Error = new Error("the source failed mid-stream"),
): Readable {
  const source = randomStream(bytes, 7);
  return Readable.from(
    (async function* () {
      yield* source;
      throw error;
    })(),
    { objectMode: false },
  );
}

/**
 * Passes `body` through and aborts `controller` once `bytes` have gone by: an upload cancelled
 * midway. The bytes flow only as fast as the destination reads them.
 */
export function abortAfter(body: Readable, bytes: number, controller: AbortController): Readable {
  let seen = 0;
  return Readable.from(
    (async function* () {
      for await (const chunk of body) {
        seen += (chunk as Buffer).length;
        yield chunk as Buffer;
        if (seen >= bytes && !controller.signal.aborted) controller.abort(new Error("aborted by the test"));
      }
    })(),
    { objectMode: false },
  );
}

export async function sha256OfStream(stream: Readable): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Reads a (small) stream into one Buffer. */
export async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function bufferStream(data: Buffer | string): Readable {
  return Readable.from([typeof data === "string" ? Buffer.from(data) : data]);
}
