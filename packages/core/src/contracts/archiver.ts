import type { Readable } from "node:stream";
import type { RunContext } from "./context.js";
import type { EntryType, SourceEntry } from "./source.js";

/** The archive formats cairn writes and reads; the config, manifests and key names follow this list. */
export const ARCHIVE_FORMATS = ["zip", "tar", "tar.gz", "tar.zst"] as const;

export type ArchiveFormat = (typeof ARCHIVE_FORMATS)[number];

export const ARCHIVE_EXTENSIONS: Record<ArchiveFormat, string> = {
  zip: ".zip",
  tar: ".tar",
  "tar.gz": ".tar.gz",
  "tar.zst": ".tar.zst",
};

/**
 * Formats that write each entry's size before its bytes (tar's header) cannot take a file of
 * unknown size; zip can (a data descriptor follows the bytes). An archiver of a format marked
 * false here must accept file entries without a size.
 */
export const SIZES_UP_FRONT: Record<ArchiveFormat, boolean> = {
  zip: false,
  tar: true,
  "tar.gz": true,
  "tar.zst": true,
};

export interface ArchiveOptions {
  /** Compression level where the format compresses: deflate's 0 to 9, zstd's 1 to 19. */
  level?: number;
}

/** An entry read back from an archive, for verify and restore. */
export interface ArchivedEntry {
  path: string;
  type: EntryType;
  size: number;
  mtime: Date;
  mode: number;
  linkTarget?: string;
  /** File content; must be consumed (or drained) before the next entry is read. */
  content?: Readable;
}

/** What a write may add besides the source's entries. */
export interface ArchiveWriteOptions {
  /**
   * The archive's last entry, asked for once every entry before it has been written (so its
   * content can depend on all of them, as the per-entry index does). An archiver must call it
   * when given, after the last entry, and write what it returns like any other entry.
   */
  trailer?: () => Promise<SourceEntry>;
}

export interface Archiver {
  format: ArchiveFormat;
  extension: string;
  /** Streams the archive; pulls entries one at a time, so memory does not grow with the source. */
  write(entries: AsyncIterable<SourceEntry>, ctx: RunContext, options?: ArchiveWriteOptions): Readable;
  /** Reads an archive back; rejects with ARCHIVE_INVALID on corruption. */
  read(archive: Readable, ctx: RunContext): AsyncIterable<ArchivedEntry>;
}

export type ArchiverFactory = (options: ArchiveOptions) => Archiver;
