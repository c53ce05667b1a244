import * as zlib from "node:zlib";
import type { ArchiveFormat } from "../contracts/archiver.js";

/** The levels each compressing format takes: deflate's 0 (store) to 9, zstd's 1 to 19. */
export const ARCHIVE_LEVELS: Record<ArchiveFormat, { min: number; max: number } | undefined> = {
  zip: { min: 0, max: 9 },
  tar: undefined,
  "tar.gz": { min: 0, max: 9 },
  "tar.zst": { min: 1, max: 19 },
};

/** Node.js has zstd in node:zlib from 22.15 and 23.8; cairn brings no native addon for older ones. */
export function hasZstd(): boolean {
  return typeof zlib.createZstdCompress === "function";
}

/** Why this Node.js cannot write or read `format`, or undefined when it can. */
export function formatUnsupported(format: ArchiveFormat): string | undefined {
  if (format !== "tar.zst" || hasZstd()) return undefined;
  return `tar.zst needs zstd in node:zlib, which Node.js has from version 22.15 (and 23.8); this is Node.js ${process.version}`;
}
