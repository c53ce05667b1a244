import { createReadStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expandHome } from "../config/secrets.js";
import type { RunContext } from "../contracts/context.js";
import type { Source, SourceEntry } from "../contracts/source.js";
import { type CommandArgs, startCommand } from "../process/run-command.js";
import { spoolCommand } from "../process/spool-command.js";

/** What a spooling source says about its one entry, besides the size it learns from the spool file. */
export interface SpooledEntryMeta {
  mtime: Date;
  mode: number;
}

export interface SpooledSourceSpec {
  describe(): string;
  /** The entry's name inside the archive. */
  entryName: string;
  /**
   * The folder the spool folder is made in (the source's `tempDir` option: relative to `baseDir`,
   * `~` for home); the system's temp folder when absent.
   */
  tempDir?: string | undefined;
  /** The config file's folder. */
  baseDir: string;
  /** A prefix for the spool folder's name, so a leftover one says whose it was. */
  tempPrefix: string;
  /**
   * False when the archive takes a file of unknown size (zip): a `command`'s output then streams
   * straight into it, with no spool file and no disk space needed. Tar needs the size first, so
   * the output is spooled (the default).
   */
  sizesUpFront?: boolean | undefined;
  /**
   * The program whose standard output is the entry, set up inside `dir` (a private folder,
   * removed afterwards, where a password file may go).
   */
  command?(dir: string, ctx: RunContext): Promise<Omit<CommandArgs, "signal">>;
  /**
   * Or: writes the content to `file` inside `dir` by other means (SQLite's backup API). May
   * return the entry's mtime and mode; the default is the time the spool finished and 0o600.
   */
  produce?(file: string, dir: string, ctx: RunContext): Promise<SpooledEntryMeta | undefined>;
}

/**
 * A source whose single entry a program or a snapshot makes. Spooled to a private temp folder
 * where the archive format writes each entry's size before its bytes (tar), since a dump's size is
 * known only at its end; streamed from the program otherwise. Either way a program that fails
 * fails the backup, and nothing of it is kept.
 */
export function createSpooledSource(spec: SpooledSourceSpec): Source {
  let dir: string | undefined;
  let entry: SourceEntry | undefined;

  const prepare = async (ctx: RunContext): Promise<void> => {
    if (entry) return;
    // mkdtemp makes the folder with mode 700: only this user can read the dump or its password file.
    const parent = spec.tempDir ? resolve(spec.baseDir, expandHome(spec.tempDir)) : tmpdir();
    dir ??= await mkdtemp(join(parent, `cairn-${spec.tempPrefix}-`));
    const command = spec.command && { ...(await spec.command(dir, ctx)), signal: ctx.signal };
    if (command && spec.sizesUpFront === false) {
      entry = {
        path: spec.entryName,
        type: "file",
        mtime: new Date(),
        mode: 0o600,
        open: () => startCommand(command),
      };
      return;
    }
    const file = join(dir, "content");
    let meta: SpooledEntryMeta | undefined;
    if (command) await spoolCommand({ ...command, to: file });
    else if (spec.produce) meta = await spec.produce(file, dir, ctx);
    else throw new Error("a spooled source needs command() or produce()");
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
