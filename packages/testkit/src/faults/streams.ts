import { createHash } from "node:crypto";
import { Readable } from "node:stream";

const CHUNK = 64 * 1024;

/**
 * `bytes` deterministic pseudo-random bytes (xorshift from `seed`), generated as they are read:
 * a 4 GiB test stream costs no memory. Incompressible, like most real archives.
 */
export function randomStream(bytes: number, seed = 1): Readable {
  let state = seed >>> 0 || 1;
  let left = bytes;
  return new Readable({
    highWaterMark: CHUNK,
    read() {
      if (left <= 0) {
        this.push(null);
        return;
      }
      const size = Math.min(CHUNK, left);
      const chunk = Buffer.allocUnsafe(size);
      for (let i = 0; i < size; i += 4) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        const word = state >>> 0;
        chunk[i] = word & 0xff;
        if (i + 1 < size) chunk[i + 1] = (word >>> 8) & 0xff;
        if (i + 2 < size) chunk[i + 2] = (word >>> 16) & 0xff;
        if (i + 3 < size) chunk[i + 3] = word >>> 24;
      }
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
