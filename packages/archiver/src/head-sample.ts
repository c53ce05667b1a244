import { Readable } from "node:stream";
import { deflateRawSync } from "node:zlib";

/** How much of a file is looked at to decide whether deflating it is worth the time. */
export const SAMPLE_BYTES = 64 * 1024;

/**
 * Reads up to `bytes` from the start of a stream and gives back the sample together with a stream
 * that still yields the whole content, so a decision can be made before the file is archived.
 */
export async function peekHead(
  stream: Readable,
  bytes = SAMPLE_BYTES,
): Promise<{ head: Buffer; whole: Readable }> {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < bytes) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    chunks.push(next.value);
    size += next.value.length;
  }
  const head = Buffer.concat(chunks);
  async function* rest() {
    yield head;
    if (done) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  const whole = Readable.from(rest(), { objectMode: false, highWaterMark: 64 * 1024 });
  whole.on("close", () => {
    if (!stream.destroyed) stream.destroy();
  });
  return { head: head.subarray(0, bytes), whole };
}

/**
 * True when the sample barely shrinks under a fast deflate: JPEGs, videos, archives, encrypted
 * data. Storing those instead of deflating them is most of the speed on real folders, and the
 * content decides, not the file name.
 */
export function looksIncompressible(sample: Buffer): boolean {
  if (sample.length < 4096) return false;
  return deflateRawSync(sample, { level: 1 }).length > sample.length * 0.95;
}
