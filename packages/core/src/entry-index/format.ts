import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import type { EntryType } from "../contracts/source.js";
import { CairnError } from "../errors.js";
import type { Manifest } from "../manifest.js";

/**
 * The name of the archive entry that carries the index. The index is found by its position (the
 * entry after the source's own, as the manifest counts them), so a source file of the same name
 * is never mistaken for it; the name only tells a person who opens the archive what it is.
 */
export const INDEX_ENTRY_PATH = ".cairn-index.jsonl";

/** Whether the archive entry at `position` (counting from 0) is the backup's index. */
export function isIndexEntry(manifest: Pick<Manifest, "entries" | "index">, position: number): boolean {
  return manifest.index !== undefined && position === manifest.entries;
}

const HEADER = `${JSON.stringify({ cairnIndex: 1 })}\n`;

/** One line of the index: an entry as it was archived. */
export interface IndexLine {
  path: string;
  type: EntryType;
  /** Bytes of content as archived (0 for folders and links). */
  size: number;
  /** Permission bits. */
  mode: number;
  /** Seconds since 1970: the precision every archive format keeps. */
  mtime: number;
  /** Files: SHA-256 of the content, hex. */
  sha256?: string;
  /** Symbolic links: where the link points. */
  target?: string;
}

/** Keys in one fixed order, so the same tree always gives the same index bytes. */
export function formatLine(line: IndexLine): string {
  const ordered: IndexLine = {
    path: line.path,
    type: line.type,
    size: line.size,
    mode: line.mode,
    mtime: line.mtime,
    ...(line.sha256 === undefined ? {} : { sha256: line.sha256 }),
    ...(line.target === undefined ? {} : { target: line.target }),
  };
  // JSON escapes newlines and quotes, so a name may hold anything and still be one line.
  return `${JSON.stringify(ordered)}\n`;
}

export function indexHeader(): string {
  return HEADER;
}

export function secondsOf(time: Date): number {
  return Math.floor(time.getTime() / 1000);
}

/** The lines of a text stream, one at a time, without holding more than a chunk. */
export async function* readLines(content: Readable): AsyncGenerator<string> {
  const decoder = new StringDecoder("utf8");
  let rest = "";
  for await (const chunk of content as AsyncIterable<Buffer>) {
    rest += decoder.write(chunk);
    let newline = rest.indexOf("\n");
    let start = 0;
    while (newline !== -1) {
      yield rest.slice(start, newline);
      start = newline + 1;
      newline = rest.indexOf("\n", start);
    }
    rest = rest.slice(start);
  }
  rest += decoder.end();
  if (rest !== "") yield rest;
}

/** Parses an index stream, header first; anything malformed is ARCHIVE_INVALID. */
export async function* readIndex(content: Readable, where: string): AsyncGenerator<IndexLine> {
  let number = 0;
  for await (const text of readLines(content)) {
    number++;
    if (number === 1) {
      if (`${text}\n` !== HEADER)
        throw malformed(where, number, "it does not start with a cairn index header");
      continue;
    }
    yield parseLine(text, where, number);
  }
  if (number === 0) throw malformed(where, 0, "it is empty");
}

function parseLine(text: string, where: string, number: number): IndexLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed(where, number, "it is not JSON");
  }
  const line = value as Partial<IndexLine> | null;
  const ok =
    typeof line === "object" &&
    line !== null &&
    typeof line.path === "string" &&
    (line.type === "file" || line.type === "directory" || line.type === "symlink") &&
    Number.isInteger(line.size) &&
    Number.isInteger(line.mode) &&
    Number.isInteger(line.mtime) &&
    (line.type !== "file" || typeof line.sha256 === "string");
  if (!ok) throw malformed(where, number, "it is not an index entry");
  return line as IndexLine;
}

function malformed(where: string, number: number, why: string): CairnError {
  return new CairnError(
    "ARCHIVE_INVALID",
    `the entry index of ${where} is damaged at line ${number}: ${why}`,
    {
      hint: "restore from another destination or an older backup",
    },
  );
}
