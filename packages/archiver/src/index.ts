import {
  ARCHIVE_EXTENSIONS,
  type ArchiveFormat,
  type ArchiveOptions,
  type Archiver,
  type ArchiverFactory,
  CairnError,
} from "@cairn/core";
import { writeTar } from "./tar/write-tar.js";
import { readTar } from "./tar-reader.js";
import { writeZip } from "./zip/write-zip.js";
import { readZip } from "./zip-reader.js";

/** Deflate level 6: the usual balance, and what `zip` and `gzip` use by default. */
export const DEFAULT_LEVEL = 6;

export function createArchiver(format: ArchiveFormat, options: ArchiveOptions = {}): Archiver {
  const level = options.level ?? DEFAULT_LEVEL;
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new CairnError("CONFIG_INVALID", `compression level ${level} is not a whole number from 0 to 9`);
  }
  const extension = ARCHIVE_EXTENSIONS[format];
  switch (format) {
    case "zip":
      return {
        format,
        extension,
        write: (entries, ctx, write) => writeZip(entries, ctx, { ...write, level }),
        read: readZip,
      };
    case "tar":
      return {
        format,
        extension,
        write: (entries, ctx, write) => writeTar(entries, ctx, { ...write }),
        read: (a, ctx) => readTar(a, ctx, false),
      };
    case "tar.gz":
      return {
        format,
        extension,
        write: (entries, ctx, write) => writeTar(entries, ctx, { ...write, gzipLevel: level }),
        read: (a, ctx) => readTar(a, ctx, true),
      };
  }
}

/** The built-in formats, for PluginRegistry. */
export const archivers: Record<ArchiveFormat, ArchiverFactory> = {
  zip: (options) => createArchiver("zip", options),
  tar: (options) => createArchiver("tar", options),
  "tar.gz": (options) => createArchiver("tar.gz", options),
};
