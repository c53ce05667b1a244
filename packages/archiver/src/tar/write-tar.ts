import { Readable } from "node:stream";
import type { ArchiveWriteOptions, RunContext, SourceEntry } from "@cairn/core";
import tar, { type Pack } from "tar-stream";
import { DeflateLanes } from "../deflate/deflate-lanes.js";
import { gzipInParallel } from "../deflate/gzip-in-parallel.js";
import { abortError } from "../errors.js";
import { OutputBatch } from "../output-batch.js";
import { zstdInParallel } from "../zstd/zstd-in-parallel.js";
import { packEntries } from "./pack-entries.js";

export interface TarWriterOptions extends ArchiveWriteOptions {
  /** How the tar is compressed; undefined writes a plain tar. */
  compression?: { kind: "gzip" | "zstd"; level: number };
}

const CHUNK_BYTES = 256 * 1024;

/** Streams a tar (or tar.gz, tar.zst) of the entries, written by tar-stream's pack(). */
export function writeTar(
  entries: AsyncIterable<SourceEntry>,
  ctx: RunContext,
  options: TarWriterOptions,
): Readable {
  const pack = tar.pack();
  const tarStream = batched(pack);
  packEntries(pack, entries, ctx, options.trailer).catch((error: unknown) => pack.destroy(error as Error));
  const { compression } = options;
  const output =
    compression === undefined
      ? tarStream
      : Readable.from(
          compression.kind === "gzip"
            ? gzipped(tarStream, compression.level)
            : zstdInParallel(tarStream, compression.level),
          { objectMode: false, highWaterMark: CHUNK_BYTES },
        );
  const onAbort = () => output.destroy(abortError(ctx.signal));
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  output.once("close", () => {
    ctx.signal.removeEventListener("abort", onAbort);
    tarStream.destroy();
  });
  return output;
}

/**
 * The pack's output gathered into chunks of 256 KiB. pack() gives a header, the content and its
 * padding as three chunks per entry: 100,000 small files would be 300,000 chunks, each passing
 * through the compressor, the hash, the tee and every destination at a cost per chunk.
 */
function batched(pack: Pack): Readable {
  const batch = new OutputBatch(CHUNK_BYTES);
  const output = new Readable({
    highWaterMark: CHUNK_BYTES,
    read: () => pack.resume(),
    destroy(error, done) {
      // Stops the entries being added: each pending one fails, and packEntries with it.
      pack.destroy(error ?? undefined);
      done(error);
    },
  });
  const push = (pieces: Buffer[]) => {
    let more = true;
    for (const piece of pieces) more = output.push(piece) && more;
    if (!more) pack.pause();
  };
  pack.on("data", (chunk) => push(batch.add(chunk as Buffer)));
  pack.once("end", () => {
    push(batch.flush());
    output.push(null);
  });
  pack.once("error", (error: Error) => output.destroy(error));
  return output;
}

async function* gzipped(tar: AsyncIterable<Buffer>, level: number): AsyncGenerator<Buffer> {
  const lanes = new DeflateLanes(level);
  try {
    yield* gzipInParallel(tar, lanes);
  } finally {
    lanes.close();
  }
}
