import { PassThrough, Readable, type Transform } from "node:stream";
import * as zlib from "node:zlib";
import type { ArchivedEntry, RunContext } from "@cairn/core";
import tar from "tar-stream";
import { invalidArchive } from "./errors.js";
import { frameSplitter } from "./zstd/frame-ends.js";

export type TarCompression = "gzip" | "zstd" | undefined;

const FORMAT = { gzip: "tar.gz", zstd: "tar.zst" } as const;

/** Reads a tar, tar.gz or tar.zst back, entry by entry, as it streams in. */
export async function* readTar(
  archive: Readable,
  ctx: RunContext,
  compression: TarCompression,
): AsyncGenerator<ArchivedEntry> {
  const format = compression ? FORMAT[compression] : "tar";
  const extract = tar.extract();
  const input = new PassThrough();
  // A failure to read the archive (a dropped connection) is passed on as it is; a failure to
  // decode it is damage, ARCHIVE_INVALID. Both reach the entry being read, whose stream the
  // caller holds, and the loop below.
  let readFailure: Error | undefined;
  archive.once("error", (error) => {
    readFailure = error;
    input.destroy(error);
  });
  // zstd's frames reach the decompressor one at a time (see frame-ends.ts).
  const decoders: Transform[] =
    compression === "gzip"
      ? [zlib.createGunzip()]
      : compression === "zstd"
        ? [frameSplitter(), zlib.createZstdDecompress()]
        : [];
  let upstream: Readable = archive;
  for (const decoder of decoders) {
    decoder.once("error", (error) => input.destroy(invalidArchive(format, error)));
    upstream = upstream.pipe(decoder);
  }
  upstream.pipe(input);
  input.once("error", (error) => extract.destroy(error));
  input.pipe(extract as unknown as NodeJS.WritableStream);
  const onAbort = () => extract.destroy(ctx.signal.reason as Error);
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  const classify = (error: unknown): unknown =>
    ctx.signal.aborted || (readFailure !== undefined && error === readFailure)
      ? error
      : invalidArchive(format, error);
  let entries = 0;
  let finished = false;
  try {
    for await (const entry of extract) {
      entries++;
      const h = entry.header;
      const base = {
        path: h.name.replace(/\/+$/, ""),
        mtime: paxMtime(h.pax) ?? h.mtime ?? new Date(0),
        mode: (h.mode ?? 0) & 0o7777,
      };
      if (h.type === "directory") {
        entry.resume();
        yield { ...base, type: "directory", size: 0 };
      } else if (h.type === "symlink") {
        entry.resume();
        yield { ...base, type: "symlink", size: 0, linkTarget: h.linkname ?? "" };
      } else if (h.type === "file" || h.type === "contiguous-file") {
        yield {
          ...base,
          type: "file",
          size: h.size ?? 0,
          content: damageAsInvalid(entry as AsyncIterable<Buffer>, classify),
        };
        // The caller may not have read it all; the next header comes after this content.
        entry.resume();
      } else {
        entry.resume();
      }
    }
    finished = true;
  } catch (error) {
    throw classify(error);
  } finally {
    ctx.signal.removeEventListener("abort", onAbort);
    // A caller that stops early (or a failure) must not leave the download running.
    if (!finished) {
      extract.destroy();
      archive.destroy();
    }
  }
  if (entries === 0) throw invalidArchive(format, new Error("it holds no entries"));
}

/** A pax `mtime` record, which carries times the ustar field cannot (before 1970, after 2038). */
function paxMtime(pax: unknown): Date | undefined {
  const seconds = Number((pax as Record<string, string> | null | undefined)?.mtime);
  return Number.isFinite(seconds) ? new Date(Math.floor(seconds) * 1000) : undefined;
}

/**
 * The entry's content, with a decoding failure (a tar cut short) reported as ARCHIVE_INVALID like
 * every other kind of damage. Read through an iterator, never destroyed: destroying a tar-stream
 * entry destroys the whole extraction.
 */
function damageAsInvalid(entry: AsyncIterable<Buffer>, classify: (error: unknown) => unknown): Readable {
  async function* content() {
    try {
      yield* entry;
    } catch (error) {
      throw classify(error);
    }
  }
  return Readable.from(content(), { objectMode: false });
}
