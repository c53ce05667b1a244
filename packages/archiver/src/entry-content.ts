import type { Readable } from "node:stream";
import { CairnError, type SourceEntry } from "@cairn/core";

/** Files up to this size are read whole, ahead of their turn, instead of streamed. */
export const SMALL_FILE_BYTES = 1024 * 1024;

/**
 * Read-ahead limits. Measured on 100,000 small files: 16 entries in flight keep the CPU as busy as
 * 64 did, and the process peaks ~30 MB lower (fewer prepared buffers alive across collections).
 */
export const READ_AHEAD = { entries: 16, bytes: 4 * 1024 * 1024 };

/** The content of a file entry as a stream. */
export function openContent(entry: SourceEntry): Readable {
  if (!entry.open) throw missingContent(entry);
  return entry.open();
}

/** The whole content of a (small) file entry. */
export async function readWhole(entry: SourceEntry): Promise<Buffer> {
  if (entry.read) return entry.read();
  const chunks: Buffer[] = [];
  for await (const chunk of openContent(entry)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function missingContent(entry: SourceEntry): CairnError {
  return new CairnError("PLUGIN_INVALID", `the source gave the file ${entry.path} without a way to read it`, {
    hint: "a source must give every file entry open() (and may add read()); report this to the source's author",
  });
}
