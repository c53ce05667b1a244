import { createHash, hash as sha } from "node:crypto";
import { Readable } from "node:stream";
import type { SourceEntry } from "../contracts/source.js";
import { CairnError } from "../errors.js";
import { formatLine, INDEX_ENTRY_PATH, type IndexLine, indexHeader, secondsOf } from "./format.js";
import { LineFile } from "./line-file.js";

/** What the manifest records of the index. */
export interface IndexSummary {
  path: string;
  size: number;
  sha256: string;
  files: number;
}

/**
 * Builds the per-entry index while the archive is written: each file's SHA-256 is computed from
 * the bytes the archiver reads, and the lines go to a temporary file in archive order, so memory
 * stays flat however many entries there are (only the files the archiver reads ahead are
 * pending). The archiver writes that file as its last entry (`trailer`).
 */
export class EntryIndexWriter {
  readonly #tempDir: string | undefined;
  #lines: LineFile | undefined;
  readonly #pending: { line: IndexLine | undefined }[] = [];
  #files = 0;
  #summary: IndexSummary | undefined;

  constructor(tempDir?: string) {
    this.#tempDir = tempDir;
  }

  /** The summary for the manifest, once the archiver has taken the index. */
  get summary(): IndexSummary | undefined {
    return this.#summary;
  }

  /** Passes the entries through, recording each one; files are hashed as the archiver reads them. */
  async *collect(entries: AsyncIterable<SourceEntry>): AsyncGenerator<SourceEntry> {
    this.#lines ??= await LineFile.create("index", this.#tempDir);
    await this.#lines.append(indexHeader());
    for await (const entry of entries) {
      const slot: { line: IndexLine | undefined } = { line: undefined };
      this.#pending.push(slot);
      await this.#flush();
      if (entry.type === "file") {
        this.#files++;
        yield hashing(entry, (sha256, size) => {
          slot.line ??= { ...lineOf(entry), size, sha256 };
        });
      } else {
        slot.line = lineOf(entry);
        yield entry;
      }
    }
  }

  /** The index as the archive's last entry; the archiver calls it once every other entry is written. */
  async trailer(): Promise<SourceEntry> {
    const lines = this.#lines;
    if (!lines || this.#pending.some((slot) => slot.line === undefined)) {
      throw new CairnError(
        "INTERNAL",
        "the archiver asked for the entry index before it had read every file",
      );
    }
    await this.#flush();
    const { size, sha256 } = await lines.close();
    this.#summary = { path: INDEX_ENTRY_PATH, size, sha256, files: this.#files };
    return {
      path: INDEX_ENTRY_PATH,
      type: "file",
      size,
      mtime: new Date(),
      mode: 0o600,
      open: () => lines.open(),
    };
  }

  async dispose(): Promise<void> {
    await this.#lines?.dispose();
  }

  /** Writes the lines that are complete, in archive order. */
  async #flush(): Promise<void> {
    while (this.#pending[0]?.line !== undefined)
      await this.#lines!.append(formatLine(this.#pending.shift()!.line!));
  }
}

function lineOf(entry: SourceEntry): IndexLine {
  return {
    path: entry.path,
    type: entry.type,
    size: entry.type === "file" ? (entry.size ?? 0) : 0,
    mode: entry.mode,
    mtime: secondsOf(entry.mtime),
    ...(entry.type === "symlink" ? { target: entry.linkTarget ?? "" } : {}),
  };
}

/** The same entry, reporting the SHA-256 and length of its content once the archiver has read it all. */
function hashing(entry: SourceEntry, done: (sha256: string, size: number) => void): SourceEntry {
  const wrapped: SourceEntry = { ...entry };
  const { open, read } = entry;
  if (open) wrapped.open = () => Readable.from(hashChunks(open.call(entry), done), { objectMode: false });
  if (read) {
    wrapped.read = async () => {
      const data = await read.call(entry);
      // One-shot: no Hash object (and its native context) per small file, 100,000 of them.
      done(sha("sha256", data, "hex"), data.length);
      return data;
    };
  }
  return wrapped;
}

async function* hashChunks(
  content: Readable,
  done: (sha256: string, size: number) => void,
): AsyncGenerator<Buffer> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of content as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
    yield chunk;
  }
  done(hash.digest("hex"), size);
}
