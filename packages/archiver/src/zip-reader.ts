import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { crc32 } from "node:zlib";
import type { ArchivedEntry, RunContext } from "@cairn/core";
import yauzl from "yauzl";
import { invalidArchive } from "./errors.js";

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;

/**
 * Reads a zip back. The zip's index is at its end, so the stream is first spooled to a temporary
 * file in `ctx.tempDir` (removed afterwards, also on error); each entry's CRC-32 is checked as it
 * is read.
 */
export async function* readZip(archive: Readable, ctx: RunContext): AsyncGenerator<ArchivedEntry> {
  const dir = await mkdtemp(join(ctx.tempDir ?? tmpdir(), "cairn-zip-"));
  try {
    const file = join(dir, "archive.zip");
    // A failure to fetch the archive (a dropped connection) is passed on as it is: it says
    // nothing about the archive's bytes.
    await pipeline(archive, createWriteStream(file), { signal: ctx.signal }).catch((error: unknown) => {
      throw new SpoolFailure(error);
    });
    const zip = await open(file);
    try {
      for (;;) {
        const entry = await nextEntry(zip);
        if (!entry) return;
        yield await toArchived(zip, entry);
      }
    } finally {
      zip.close();
    }
  } catch (error) {
    if (error instanceof SpoolFailure) throw error.cause;
    if (ctx.signal.aborted) throw error;
    throw invalidArchive("zip", error);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

class SpoolFailure {
  constructor(readonly cause: unknown) {}
}

function open(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    // decodeStrings off: yauzl would reject a `../` name outright, and restore's own check gives
    // the clearer RESTORE_UNSAFE. Names are decoded below, exactly as stored.
    yauzl.open(file, { lazyEntries: true, autoClose: false, decodeStrings: false }, (error, zip) =>
      error ? reject(error) : resolve(zip),
    ),
  );
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.off("entry", onEntry);
      zip.off("end", onEnd);
      zip.off("error", onError);
    };
    const onEntry = (entry: yauzl.Entry) => {
      cleanup();
      resolve(entry);
    };
    const onEnd = () => {
      cleanup();
      resolve(undefined);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    zip.on("entry", onEntry).on("end", onEnd).on("error", onError);
    zip.readEntry();
  });
}

async function toArchived(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<ArchivedEntry> {
  const name = yauzl.getFileNameLowLevel(
    entry.generalPurposeBitFlag,
    entry.fileName as unknown as Buffer,
    entry.extraFields,
    true,
  );
  const unixMode = (entry.externalFileAttributes >>> 16) & 0xffff;
  const kind = unixMode & S_IFMT;
  const base = { mtime: entry.getLastModDate(), mode: unixMode & 0o7777 };
  if (name.endsWith("/") || kind === S_IFDIR) {
    return {
      ...base,
      path: name.replace(/\/+$/, ""),
      type: "directory",
      size: 0,
      mode: base.mode || 0o755,
    };
  }
  const content = await openContent(zip, entry, name);
  if (kind === S_IFLNK) {
    const chunks: Buffer[] = [];
    for await (const chunk of content) chunks.push(chunk as Buffer);
    return {
      ...base,
      path: name,
      type: "symlink",
      size: 0,
      linkTarget: Buffer.concat(chunks).toString("utf8"),
    };
  }
  return {
    ...base,
    path: name,
    type: "file",
    size: entry.uncompressedSize,
    mode: base.mode || 0o644,
    content,
  };
}

async function openContent(zip: yauzl.ZipFile, entry: yauzl.Entry, name: string): Promise<Readable> {
  const raw = await new Promise<Readable>((resolve, reject) =>
    zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve(stream))),
  );
  // yauzl checks sizes but not the CRC-32; verify must catch a flipped bit.
  let crc = 0;
  const check = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      crc = crc32(chunk, crc);
      callback(null, chunk);
    },
    flush(callback) {
      if (crc >>> 0 !== entry.crc32 >>> 0) {
        callback(invalidArchive("zip", new Error(`CRC-32 mismatch in ${name}`)));
      } else callback();
    },
  });
  raw.on("error", (error) => check.destroy(invalidArchive("zip", error)));
  return raw.pipe(check);
}
