import { Readable } from "node:stream";
import { crc32 } from "node:zlib";
import {
  type ArchiveWriteOptions,
  CairnError,
  formatBytes,
  type RunContext,
  type SourceEntry,
} from "@cairn/core";
import { DeflateLanes } from "../deflate/deflate-lanes.js";
import { deflateInParallel } from "../deflate/parallel-deflate.js";
import { openContent, READ_AHEAD, readWhole, SMALL_FILE_BYTES } from "../entry-content.js";
import { abortError } from "../errors.js";
import { looksIncompressible, peekHead } from "../head-sample.js";
import { OutputBatch } from "../output-batch.js";
import { readAhead } from "../read-ahead.js";
import { Stop } from "../stop.js";
import {
  centralHeader,
  dataDescriptor,
  type EntryMeta,
  type EntrySizes,
  endOfArchive,
  LIMIT_32,
  localHeader,
  METHOD_DEFLATE,
  METHOD_STORE,
} from "./records.js";
import { SpooledDirectory } from "./spooled-directory.js";

// Unix file types as zip's external attributes carry them, whatever platform writes the archive.
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

type Prepared =
  | { kind: "whole"; meta: EntryMeta; data: Buffer; sizes: EntrySizes }
  | { kind: "stream"; meta: EntryMeta; entry: SourceEntry; content: Readable };

/**
 * Streams a zip of the entries. Memory stays bounded: small files are held only while they wait
 * their turn (see READ_AHEAD), large ones stream through, and the central directory
 * (~75 bytes per entry) goes to a temporary file past 8 MiB. Already-compressed content is stored, not deflated again.
 */
export function writeZip(
  entries: AsyncIterable<SourceEntry>,
  ctx: RunContext,
  options: { level: number } & ArchiveWriteOptions,
): Readable {
  const output = Readable.from(zipChunks(entries, ctx, options), {
    objectMode: false,
    highWaterMark: 256 * 1024,
  });
  const onAbort = () => output.destroy(abortError(ctx.signal));
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  output.once("close", () => ctx.signal.removeEventListener("abort", onAbort));
  return output;
}

async function* zipChunks(
  entries: AsyncIterable<SourceEntry>,
  ctx: RunContext,
  options: { level: number } & ArchiveWriteOptions,
): AsyncGenerator<Buffer> {
  const { level } = options;
  let offset = 0;
  let count = 0;
  const directory = new SpooledDirectory();
  const lanes = level > 0 ? new DeflateLanes(level) : undefined;
  const stop = new Stop(ctx.signal);
  try {
    yield* zipEntries();
  } finally {
    stop.dispose();
    lanes?.close();
    directory.dispose();
  }

  async function* entryChunks(item: Prepared, batch: OutputBatch): AsyncGenerator<Buffer> {
    ctx.signal.throwIfAborted();
    const start = offset;
    if (item.kind === "whole") {
      const header = localHeader(item.meta, item.sizes, false);
      for (const piece of batch.add(header)) yield piece;
      for (const piece of batch.add(item.data)) yield piece;
      offset += header.length + item.data.length;
      directory.append(centralHeader(item.meta, item.sizes, start, false));
    } else {
      // Deflate can make incompressible data a little larger; leave room before choosing 32-bit
      // sizes. A file of unknown size (a dump streamed from its program) may be any size.
      const zip64 = item.entry.size === undefined || item.entry.size >= LIMIT_32 - 64 * 1024 * 1024;
      const header = localHeader(item.meta, undefined, zip64);
      for (const piece of batch.add(header)) yield piece;
      offset += header.length;
      const sizes: EntrySizes = { crc: 0, compressed: 0, uncompressed: 0 };
      const counted = countInto(item.content, sizes);
      const body = item.meta.method === METHOD_DEFLATE && lanes ? deflateInParallel(counted, lanes) : counted;
      for await (const chunk of body) {
        // An abort waits for this generator's next yield, and the batch may absorb the output of
        // hundreds of MiB of a very compressible file before it yields: stop at the next block.
        ctx.signal.throwIfAborted();
        sizes.compressed += chunk.length;
        for (const piece of batch.add(chunk)) yield piece;
      }
      if (!zip64 && (sizes.compressed >= LIMIT_32 || sizes.uncompressed >= LIMIT_32)) {
        throw new CairnError(
          "SOURCE_CHANGED",
          `${item.entry.path} grew past ${formatBytes(LIMIT_32)} while it was being archived`,
          { hint: "stop whatever writes to it during the backup, or take a snapshot in a `before` hook" },
        );
      }
      const descriptor = dataDescriptor(sizes, zip64);
      for (const piece of batch.add(descriptor)) yield piece;
      offset += sizes.compressed + descriptor.length;
      directory.append(centralHeader(item.meta, sizes, start, true));
    }
    count++;
  }

  async function* zipEntries(): AsyncGenerator<Buffer> {
    const small = (entry: SourceEntry) =>
      entry.type !== "file" || (entry.size !== undefined && entry.size <= SMALL_FILE_BYTES);
    const prepared = readAhead<Prepared>(
      entries,
      small,
      (entry) => prepareWhole(entry, lanes),
      (entry) => prepareStream(entry, level),
      READ_AHEAD,
      stop,
    );
    const batch = new OutputBatch();
    for await (const item of prepared) yield* entryChunks(item, batch);
    if (options.trailer) {
      const entry = await options.trailer();
      yield* entryChunks(
        await (small(entry) ? prepareWhole(entry, lanes) : prepareStream(entry, level)),
        batch,
      );
    }

    const directoryOffset = offset;
    for (const chunk of directory.chunks()) for (const piece of batch.add(chunk)) yield piece;
    offset += directory.length;
    for (const piece of batch.add(endOfArchive(count, directoryOffset, offset - directoryOffset)))
      yield piece;
    for (const piece of batch.flush()) yield piece;
  }
}

function metaOf(entry: SourceEntry, method: number): EntryMeta {
  const type = entry.type === "directory" ? S_IFDIR : entry.type === "symlink" ? S_IFLNK : S_IFREG;
  const name = entry.type === "directory" ? `${entry.path.replace(/\/+$/, "")}/` : entry.path;
  return {
    name: Buffer.from(name, "utf8"),
    mtime: entry.mtime,
    mode: type | (entry.mode & 0o7777),
    method,
    isDirectory: entry.type === "directory",
  };
}

async function prepareWhole(entry: SourceEntry, lanes: DeflateLanes | undefined): Promise<Prepared> {
  let raw: Buffer;
  if (entry.type === "directory") raw = Buffer.alloc(0);
  else if (entry.type === "symlink") raw = Buffer.from(entry.linkTarget ?? "", "utf8");
  else {
    raw = await readWhole(entry);
  }
  const crc = crc32(raw) >>> 0;
  if (entry.type === "file" && lanes && raw.length > 0) {
    const packed = await lanes.deflate(raw);
    // Keep the deflated form only where it saves something worth the reader's time.
    if (packed.length < raw.length * 0.97) {
      return {
        kind: "whole",
        meta: metaOf(entry, METHOD_DEFLATE),
        data: packed,
        sizes: { crc, compressed: packed.length, uncompressed: raw.length },
      };
    }
  }
  return {
    kind: "whole",
    meta: metaOf(entry, METHOD_STORE),
    data: raw,
    sizes: { crc, compressed: raw.length, uncompressed: raw.length },
  };
}

async function prepareStream(entry: SourceEntry, level: number): Promise<Prepared> {
  const { head, whole } = await peekHead(openContent(entry));
  const store = level === 0 || looksIncompressible(head);
  return {
    kind: "stream",
    meta: metaOf(entry, store ? METHOD_STORE : METHOD_DEFLATE),
    entry,
    content: whole,
  };
}

/** Passes the content through while adding up its CRC-32 and length. */
async function* countInto(content: Readable, sizes: EntrySizes): AsyncGenerator<Buffer> {
  for await (const chunk of content) {
    const buffer = chunk as Buffer;
    sizes.crc = crc32(buffer, sizes.crc) >>> 0;
    sizes.uncompressed += buffer.length;
    yield buffer;
  }
}
