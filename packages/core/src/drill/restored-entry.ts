import { open } from "node:fs/promises";
import { join } from "node:path";
import type { RestoredCheck, RestoredFiles } from "../contracts/source.js";

/**
 * Where a drill restored the file entry `name`, or undefined when it was not restored (a sample
 * that left it out). For single-entry sources (database dumps) checking what they made.
 */
export async function restoredFile(restored: RestoredFiles, name: string): Promise<string | undefined> {
  for await (const entry of restored.entries()) {
    if (entry.path === name && entry.type === "file") return join(restored.dir, ...name.split("/"));
  }
  return undefined;
}

/** How a dump tool marks a whole dump: a line it writes last, once everything is written. */
export interface DumpTrailer {
  /** The check's name in the report: "the dump's completion trailer". */
  check: string;
  /** Matches the trailer line; tested against the dump's last 4 KiB. */
  pattern: RegExp;
  /** The line as a person would recognise it, for the failure's detail. */
  line: string;
}

const TRAILER_WINDOW = 4096;

/**
 * A drill's check of a restored SQL dump that has a completion trailer (mysqldump's
 * "-- Dump completed", pg_dumpall's "-- PostgreSQL database cluster dump complete"): a dump cut
 * short fails. Reads only the file's end, however large the dump.
 */
export async function checkDumpTrailer(
  file: string,
  entryName: string,
  trailer: DumpTrailer,
): Promise<RestoredCheck> {
  const tail = (await readTail(file, TRAILER_WINDOW)).toString("utf8");
  if (trailer.pattern.test(tail)) return { path: entryName, check: trailer.check, status: "ok" };
  return {
    path: entryName,
    check: trailer.check,
    status: "failed",
    detail: `the dump does not end with "${trailer.line}": it was cut short`,
  };
}

async function readTail(file: string, length: number): Promise<Buffer> {
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.min(length, size));
    await handle.read(buffer, 0, buffer.length, size - buffer.length);
    return buffer;
  } finally {
    await handle.close();
  }
}
