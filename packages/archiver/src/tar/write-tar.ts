import { Readable } from "node:stream";
import { type ArchiveWriteOptions, CairnError, type RunContext, type SourceEntry } from "@cairn/core";
import { DeflateLanes } from "../deflate/deflate-lanes.js";
import { gzipInParallel } from "../deflate/gzip-in-parallel.js";
import { openContent, READ_AHEAD, readWhole, SMALL_FILE_BYTES } from "../entry-content.js";
import { abortError } from "../errors.js";
import { OutputBatch } from "../output-batch.js";
import { readAhead } from "../read-ahead.js";
import { zstdInParallel } from "../zstd/zstd-in-parallel.js";
import { endOfTar, padding, tarHeader } from "./tar-header.js";

export interface TarWriterOptions extends ArchiveWriteOptions {
  /** How the tar is compressed; undefined writes a plain tar. */
  compression?: { kind: "gzip" | "zstd"; level: number };
}

type Prepared = { entry: SourceEntry; data?: Buffer };

/**
 * Streams a tar (or tar.gz, tar.zst) of the entries. Small files are read a few ahead of their turn (one
 * file opened after another leaves the CPU idle); large ones stream through in order.
 */
export function writeTar(
  entries: AsyncIterable<SourceEntry>,
  ctx: RunContext,
  options: TarWriterOptions,
): Readable {
  const tar = tarChunks(entries, ctx, options.trailer);
  const { compression } = options;
  const output = Readable.from(
    compression === undefined
      ? tar
      : compression.kind === "gzip"
        ? gzipped(tar, compression.level)
        : zstdInParallel(tar, compression.level),
    { objectMode: false, highWaterMark: 256 * 1024 },
  );
  const onAbort = () => output.destroy(abortError(ctx.signal));
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  output.once("close", () => ctx.signal.removeEventListener("abort", onAbort));
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

async function* tarChunks(
  entries: AsyncIterable<SourceEntry>,
  ctx: RunContext,
  trailer: ArchiveWriteOptions["trailer"],
): AsyncGenerator<Buffer> {
  const batch = new OutputBatch();
  const small = (entry: SourceEntry) =>
    entry.type === "file" && entry.size !== undefined && entry.size <= SMALL_FILE_BYTES;
  const prepared = readAhead<Prepared>(
    entries,
    small,
    async (entry) => ({ entry, data: await readWhole(entry) }),
    async (entry) => ({ entry }),
    READ_AHEAD,
  );
  for await (const { entry, data } of prepared) yield* entryChunks(entry, data, batch, ctx);
  if (trailer) {
    const entry = await trailer();
    yield* entryChunks(entry, small(entry) ? await readWhole(entry) : undefined, batch, ctx);
  }
  for (const piece of batch.add(endOfTar())) yield piece;
  for (const piece of batch.flush()) yield piece;
}

async function* entryChunks(
  entry: SourceEntry,
  data: Buffer | undefined,
  batch: OutputBatch,
  ctx: RunContext,
): AsyncGenerator<Buffer> {
  ctx.signal.throwIfAborted();
  if (entry.type !== "file") {
    for (const piece of batch.add(tarHeader({ ...entry, name: entry.path, size: 0 }))) yield piece;
    return;
  }
  // tar writes each size before the content: a file that changed size since it was listed
  // would make an archive that lies, so it fails the backup with the file's name.
  if (entry.size === undefined) throw sizeMissing(entry);
  const size = data ? data.length : entry.size;
  if (data && data.length !== entry.size) throw changedSize(entry);
  for (const piece of batch.add(tarHeader({ ...entry, name: entry.path, size }))) yield piece;
  if (data) {
    for (const piece of batch.add(data)) yield piece;
  } else {
    let written = 0;
    for await (const chunk of openContent(entry)) {
      // As in the zip writer: an abort reaches this generator only where it yields.
      ctx.signal.throwIfAborted();
      written += (chunk as Buffer).length;
      if (written > size) throw changedSize(entry);
      for (const piece of batch.add(chunk as Buffer)) yield piece;
    }
    if (written !== size) throw changedSize(entry);
  }
  for (const piece of batch.add(padding(size))) yield piece;
}

function sizeMissing(entry: SourceEntry): CairnError {
  return new CairnError(
    "PLUGIN_INVALID",
    `the source gave ${entry.path} without its size, which tar needs first`,
    {
      hint: "use `archive: { format: zip }` for this job, or report it to the source's author (a source told `sizesUpFront` must give sizes)",
    },
  );
}

function changedSize(entry: SourceEntry): CairnError {
  return new CairnError("SOURCE_CHANGED", `${entry.path} changed size while it was being archived`, {
    hint: "stop whatever writes to it during the backup, or take a snapshot in a `before` hook",
  });
}
