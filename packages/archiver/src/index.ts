import {
  ARCHIVE_EXTENSIONS,
  ARCHIVE_LEVELS,
  type ArchiveFormat,
  type ArchiveOptions,
  type Archiver,
  type ArchiverFactory,
  CairnError,
} from "@cairn/core";
import { abortableWrite } from "./abortable-entries.js";
import { writeTar } from "./tar/write-tar.js";
import { readTar } from "./tar-reader.js";
import { writeZip } from "./zip/write-zip.js";
import { readZip } from "./zip-reader.js";
import { assertZstd } from "./zstd/zstd-in-parallel.js";

/** Deflate level 6: the usual balance, and what `zip` and `gzip` use by default. */
export const DEFAULT_LEVEL = 6;

/** zstd level 3: zstd's own default, and what `tar --zstd` uses. */
export const DEFAULT_ZSTD_LEVEL = 3;

export function createArchiver(format: ArchiveFormat, options: ArchiveOptions = {}): Archiver {
  const level = options.level ?? (format === "tar.zst" ? DEFAULT_ZSTD_LEVEL : DEFAULT_LEVEL);
  const range = ARCHIVE_LEVELS[format];
  if (range && (!Number.isInteger(level) || level < range.min || level > range.max)) {
    throw new CairnError(
      "CONFIG_INVALID",
      `compression level ${level} is not a whole number from ${range.min} to ${range.max} (${format})`,
    );
  }
  const extension = ARCHIVE_EXTENSIONS[format];
  switch (format) {
    case "zip":
      return {
        format,
        extension,
        write: abortableWrite((entries, ctx, write) => writeZip(entries, ctx, { ...write, level })),
        read: readZip,
      };
    case "tar":
      return {
        format,
        extension,
        write: abortableWrite((entries, ctx, write) => writeTar(entries, ctx, { ...write })),
        read: (a, ctx) => readTar(a, ctx, undefined),
      };
    case "tar.gz":
      return {
        format,
        extension,
        write: abortableWrite((entries, ctx, write) =>
          writeTar(entries, ctx, { ...write, compression: { kind: "gzip", level } }),
        ),
        read: (a, ctx) => readTar(a, ctx, "gzip"),
      };
    case "tar.zst":
      // Checked here, not at the first write, so restore on an old Node.js says why at once.
      assertZstd();
      return {
        format,
        extension,
        write: abortableWrite((entries, ctx, write) =>
          writeTar(entries, ctx, { ...write, compression: { kind: "zstd", level } }),
        ),
        read: (a, ctx) => readTar(a, ctx, "zstd"),
      };
  }
}

/** The built-in formats, for PluginRegistry. */
export const archivers: Record<ArchiveFormat, ArchiverFactory> = {
  zip: (options) => createArchiver("zip", options),
  tar: (options) => createArchiver("tar", options),
  "tar.gz": (options) => createArchiver("tar.gz", options),
  "tar.zst": (options) => createArchiver("tar.zst", options),
};
