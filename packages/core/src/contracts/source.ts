import type { Readable } from "node:stream";
import type { RunContext } from "./context.js";

export type EntryType = "file" | "directory" | "symlink";

/** One thing inside an archive. `path` is POSIX, relative, and never contains `..`. */
export interface SourceEntry {
  path: string;
  type: EntryType;
  /**
   * Bytes of content; 0 for directories and symlinks. Undefined for a file whose size is known
   * only at its end (a dump streamed from a program), which only a source told `sizesUpFront:
   * false` may give.
   */
  size?: number;
  mtime: Date;
  /** Permission bits (0o7777). */
  mode: number;
  linkTarget?: string;
  /** Files only. Opened lazily so that only a few files are open at once. */
  open?(): Readable;
  /**
   * Files only, optional: the whole content at once. Archivers use it for small files, where
   * opening a stream costs more than reading (100,000 small files: ~12 s streamed, ~2 s read).
   */
  read?(): Promise<Buffer>;
}

export interface Source {
  /** For logs and the manifest; must never contain a secret. */
  describe(): string;
  /**
   * Optional, for `skipUnchanged`: a digest of what entries() would give now, computed without
   * reading any content (for a folder: every entry's path, type, size, mode and mtime, hashed as
   * the walk goes, so memory does not grow with the number of entries). Equal digests must mean
   * the archive would hold the same entries; a source that cannot promise that cheaply (a
   * database dump, a command's output) leaves this out and is always backed up. Called after
   * prepare() and before entries(), so a change made while the archive is written shows in the
   * next run's digest rather than being taken for unchanged.
   */
  fingerprint?(ctx: RunContext): Promise<string>;
  /** Takes a consistent snapshot where the source supports one. */
  prepare?(ctx: RunContext): Promise<void>;
  entries(ctx: RunContext): AsyncIterable<SourceEntry>;
  /** Removes what prepare() made; called whether the run succeeded or not. */
  cleanup?(ctx: RunContext): Promise<void>;
  /**
   * Optional: checks restored entries with the source's own tools (SQLite's integrity check,
   * `pg_restore --list`), for a restore drill. Called on a fresh instance that was never
   * prepared, so it must not touch the live source. Returns one result per entry it checked;
   * entries it knows nothing about are left out. A failed check is a result, not a throw.
   */
  checkRestored?(restored: RestoredFiles, ctx: RunContext): Promise<RestoredCheck[]>;
}

/** What a restore drill wrote, for a source's `checkRestored`. */
export interface RestoredFiles {
  /** The folder the backup was restored into; an entry's file is `join(dir, path)`. */
  dir: string;
  /** The entries restored there (all of them, or a drill's sample), in archive order. */
  entries(): AsyncIterable<{ path: string; type: EntryType }>;
}

/** A source's verdict on one restored entry. */
export interface RestoredCheck {
  /** The entry, as named in the archive. */
  path: string;
  /** What was run, for the report: "PRAGMA integrity_check", "pg_restore --list". */
  check: string;
  /** skipped: the check cannot tell for this entry (say why in `detail`); not a failure. */
  status: "ok" | "failed" | "skipped";
  /** Why it failed or was skipped, in the tool's own words where it has some; for ok, what it found. */
  detail?: string;
}

/** One of several backups a source makes in one run (a path source with `each: entry`). */
export interface SourcePart {
  /** The entry's name: kept in the manifest, and (made safe) in the backup id. */
  name: string;
  /** The newest modification time anywhere inside the entry. */
  modified: Date;
  source: Source;
}

/** A source that makes one backup per part instead of one for everything. */
export interface SplitSource extends Source {
  parts(ctx: RunContext): AsyncIterable<SourcePart>;
}

export function isSplitSource(source: Source): source is SplitSource {
  return typeof (source as Partial<SplitSource>).parts === "function";
}
