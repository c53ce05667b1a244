import { Readable } from "node:stream";
import type { ArchivedEntry, Archiver } from "../../contracts/archiver.js";
import type { SourceEntry } from "../../contracts/source.js";

/**
 * A deliberately simple archive format for core's own tests, so the pipeline is tested without
 * depending on @cairn/archiver: per entry, one JSON header line, then exactly `size` content bytes.
 */
export function linesArchiver(): Archiver {
  return {
    format: "tar",
    extension: ".tar",
    write(entries, _ctx, options) {
      return Readable.from(encode(withTrailer(entries, options?.trailer)));
    },
    read(archive) {
      return decode(archive);
    },
  };
}

async function* withTrailer(
  entries: AsyncIterable<SourceEntry>,
  trailer: (() => Promise<SourceEntry>) | undefined,
): AsyncGenerator<SourceEntry> {
  yield* entries;
  if (trailer) yield await trailer();
}

async function* encode(entries: AsyncIterable<SourceEntry>): AsyncGenerator<Buffer> {
  for await (const entry of entries) {
    const { open: _open, ...header } = entry;
    yield Buffer.from(`${JSON.stringify(header)}\n`);
    if (entry.type === "file" && entry.open) {
      let seen = 0;
      for await (const chunk of entry.open() as AsyncIterable<Buffer>) {
        seen += chunk.length;
        yield chunk;
      }
      if (seen !== entry.size) throw new Error(`${entry.path} changed size while read`);
    }
  }
}

async function* decode(archive: Readable): AsyncGenerator<ArchivedEntry> {
  let buffer = Buffer.alloc(0);
  for await (const chunk of archive as AsyncIterable<Buffer>) buffer = Buffer.concat([buffer, chunk]);
  let at = 0;
  while (at < buffer.length) {
    const newline = buffer.indexOf(10, at);
    const header = JSON.parse(buffer.subarray(at, newline).toString()) as ArchivedEntry & { mtime: string };
    at = newline + 1;
    const entry: ArchivedEntry = { ...header, mtime: new Date(header.mtime) };
    if (header.type === "file") {
      entry.content = Readable.from([buffer.subarray(at, at + header.size)]);
      at += header.size;
    }
    yield entry;
  }
}
