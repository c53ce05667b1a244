import { createReadStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunContext, Source, SourceEntry } from "@cairn/core";

/** What a spooling source says about its one entry, besides the size it learns from the spool file. */
export interface SpooledEntryMeta {
  mtime: Date;
  mode: number;
}

export interface SpooledSourceSpec {
  describe(): string;
  /** The entry's name inside the archive. */
  entryName: string;
  /** The folder the spool folder is made in; the system's temp folder when absent. */
  tempDir?: string | undefined;
  /** A prefix for the spool folder's name, so a leftover one says whose it was. */
  tempPrefix: string;
  /**
   * Writes the content to `file` (inside `dir`, a private folder that is removed afterwards,
   * where a password file may go too). May return the entry's mtime and mode; the default is
   * the time the spool finished and 0o600.
   */
  produce(file: string, dir: string, ctx: RunContext): Promise<SpooledEntryMeta | undefined>;
}

/**
 * A source whose single entry is made in full by prepare() and kept in a private temp folder.
 * Spooled because tar writes each entry's size before its bytes, and a dump's size is only known
 * at its end; it also means a dump that fails has sent nothing to any destination yet.
 */
export function createSpooledSource(spec: SpooledSourceSpec): Source {
  let dir: string | undefined;
  let entry: SourceEntry | undefined;

  const prepare = async (ctx: RunContext): Promise<void> => {
    if (entry) return;
    // mkdtemp makes the folder with mode 700: only this user can read the dump or its password file.
    dir ??= await mkdtemp(join(spec.tempDir ?? tmpdir(), `cairn-${spec.tempPrefix}-`));
    const file = join(dir, "content");
    const meta = await spec.produce(file, dir, ctx);
    const info = await stat(file);
    entry = {
      path: spec.entryName,
      type: "file",
      size: info.size,
      mtime: meta?.mtime ?? info.mtime,
      mode: meta?.mode ?? 0o600,
      open: () => createReadStream(file),
    };
  };

  return {
    describe: spec.describe,
    prepare,
    async *entries(ctx: RunContext) {
      // The pipeline calls prepare() first; a caller that did not still gets a complete entry.
      await prepare(ctx);
      if (entry) yield entry;
    },
    async cleanup() {
      entry = undefined;
      const made = dir;
      dir = undefined;
      if (made) await rm(made, { recursive: true, force: true });
    },
  };
}
