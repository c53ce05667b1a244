import { createWriteStream } from "node:fs";
import {
  chmod,
  lstat,
  lutimes,
  mkdir,
  readdir,
  symlink,
  utimes,
  writeFile as writeWhole,
} from "node:fs/promises";
import { resolve } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { CompleteBackup } from "../catalog/list-backups.js";
import type { ArchivedEntry, Archiver } from "../contracts/archiver.js";
import type { RunContext } from "../contracts/context.js";
import type { Destination } from "../contracts/destination.js";
import type { DecryptionKeys } from "../encryption/open-stored.js";
import { isIndexEntry } from "../entry-index/format.js";
import { readBackupArchive } from "./read-archive.js";
import { ParentGuard, safeTargetPath } from "./safe-path.js";
import { conflict, openStaging } from "./staging.js";

export interface RestoreOptions {
  target: string;
  /** Replace files that already exist in the target; without it an existing file is an error. */
  overwrite: boolean;
  /** Restores only the entries it accepts, called in archive order (a drill's sample). */
  select?: (entry: ArchivedEntry) => boolean | Promise<boolean>;
  /** Receives the backup's per-entry index, which is never written into the target. */
  onIndex?: (content: Readable) => Promise<void>;
  /** Keys to try on an encrypted backup. */
  decryption?: DecryptionKeys;
}

export interface RestoreResult {
  id: string;
  target: string;
  entries: number;
  bytes: number;
}

/**
 * Writes a backup's entries under `target` with their modes and mtimes, refusing anything that
 * would escape it. Entries are written into a staging folder inside the target and moved into
 * place only after the whole archive checked out, so a failed restore leaves the target as it was.
 */
export async function restoreBackup(
  destination: Destination,
  backup: CompleteBackup,
  archiver: Archiver,
  options: RestoreOptions,
  ctx: RunContext,
): Promise<RestoreResult> {
  const root = resolve(options.target);
  await mkdir(root, { recursive: true });
  // An empty target cannot have an entry's name already, so a restore into a new folder (every
  // drill) skips that check per entry; staging's commit still never replaces what appears later.
  const emptyTarget = (await readdir(root)).length === 0;
  const files = new FileWriter();
  // What the archiver spools goes to the target's disk, which must have the room anyway.
  const reading = await readBackupArchive(
    destination,
    backup,
    archiver,
    { ...ctx, tempDir: root },
    options.decryption,
  );
  const staging = await openStaging(root);
  const guard = new ParentGuard(staging.dir);
  const folders: { path: string; entry: ArchivedEntry }[] = [];
  let entries = 0;
  let bytes = 0;
  let position = 0;
  try {
    for await (const entry of reading.entries) {
      if (isIndexEntry(backup.manifest, position++)) {
        if (options.onIndex && entry.content) await options.onIndex(entry.content);
        else await drain(entry);
        continue;
      }
      if (options.select && !(await options.select(entry))) {
        await drain(entry);
        continue;
      }
      const full = safeTargetPath(staging.dir, entry.path);
      await guard.check(full, entry.path);
      // Refused before anything is written, as before staging: the target already has this name.
      if (!options.overwrite && !emptyTarget) await refuseExisting(safeTargetPath(root, entry.path), entry);
      entries += 1;
      if (entry.type === "directory") {
        await files.folder(full);
        folders.push({ path: entry.path, entry });
      } else if (entry.type === "symlink") {
        await makeLink(files, full, entry);
        guard.forget(full);
      } else {
        bytes += await writeFile(files, full, entry);
        guard.forget(full);
      }
    }
    await files.settle();
    await reading.checked();
    await staging.commit(options.overwrite);
  } catch (error) {
    // Nothing may still be writing into the staging folder while it is removed.
    await files.settle().catch(() => undefined);
    await staging.discard();
    throw error;
  }
  // Folder times last, deepest first: writing inside a folder changes its mtime.
  for (const { path, entry } of folders.reverse()) {
    const full = safeTargetPath(root, path);
    await chmod(full, entry.mode || 0o755).catch(() => undefined);
    await utimes(full, entry.mtime, entry.mtime).catch(() => undefined);
  }
  return { id: backup.id, target: root, entries, bytes };
}

async function refuseExisting(real: string, entry: ArchivedEntry): Promise<void> {
  const existing = await lstat(real).catch(() => undefined);
  if (existing && !(entry.type === "directory" && existing.isDirectory())) throw conflict(real);
}

/** Files up to this size are read whole and written in one call. */
const SMALL_FILE = 64 * 1024;

/** Small files written while the archive reads on, at most this many at once. */
const WRITES_IN_FLIGHT = 16;

/**
 * Saves the waits on the thread pool that a restore of many small files would otherwise make one
 * by one: a folder is made once, a mode the umask leaves whole needs no chmod, and a small file
 * read whole is written while the next entry is read. Only plain files are written behind:
 * folders and links are made in order, so the check of an entry's parents sees every link.
 */
class FileWriter {
  readonly #folders = new Set<string>();
  readonly #umask = process.umask();
  readonly #running = new Set<Promise<void>>();
  #failure: { error: unknown } | undefined;

  async folder(path: string): Promise<void> {
    if (this.#folders.has(path)) return;
    await mkdir(path, { recursive: true });
    this.#folders.add(path);
  }

  /** Whether a file created with `mode` already has it. */
  keepsMode(mode: number): boolean {
    return (mode & this.#umask) === 0;
  }

  /** Starts `write` once a place is free; a write that failed before fails this call. */
  async behind(write: () => Promise<void>): Promise<void> {
    while (this.#running.size >= WRITES_IN_FLIGHT) await Promise.race(this.#running);
    this.#throwFailure();
    const job: Promise<void> = write()
      .catch((error: unknown) => {
        this.#failure ??= { error };
      })
      .finally(() => this.#running.delete(job));
    this.#running.add(job);
  }

  /** Waits for every write; throws the first failure. */
  async settle(): Promise<void> {
    await Promise.all(this.#running);
    this.#throwFailure();
  }

  #throwFailure(): void {
    if (this.#failure) throw this.#failure.error;
  }
}

async function writeFile(files: FileWriter, full: string, entry: ArchivedEntry): Promise<number> {
  await files.folder(resolve(full, ".."));
  const mode = entry.mode || 0o644;
  let written = 0;
  const content = entry.content?.[Symbol.asyncIterator]() as AsyncIterator<Buffer> | undefined;
  try {
    // Small files in one call: a stream per file, for 100,000 of them, is most of a restore's
    // time and garbage. What the archive says is small is only believed up to SMALL_FILE bytes.
    const head: Buffer[] = [];
    let next = await content?.next();
    while (next && !next.done && written + next.value.length <= SMALL_FILE) {
      head.push(next.value);
      written += next.value.length;
      next = await content!.next();
    }
    if (!next || next.done) {
      const data = Buffer.concat(head, written);
      await files.behind(async () => {
        await writeWhole(full, data, { flag: "wx", mode }).catch((error: unknown) => {
          throw (error as NodeJS.ErrnoException).code === "EEXIST" ? conflict(full) : error;
        });
        await setModeAndTime(files, full, mode, entry.mtime);
      });
      return written;
    } else {
      const first = next.value;
      written += first.length;
      const rest = async function* () {
        yield* head;
        yield first;
        for (let more = await content!.next(); !more.done; more = await content!.next()) {
          written += more.value.length;
          yield more.value;
        }
      };
      await pipeline(rest(), createWriteStream(full, { flags: "wx", mode }));
    }
  } catch (error) {
    // The entry's stream stops with the write, as pipeline() would have stopped it.
    await content?.return?.(undefined).catch(() => undefined);
    if ((error as NodeJS.ErrnoException).code === "EEXIST") throw conflict(full);
    throw error;
  }
  await setModeAndTime(files, full, mode, entry.mtime);
  return written;
}

async function setModeAndTime(files: FileWriter, full: string, mode: number, mtime: Date): Promise<void> {
  if (!files.keepsMode(mode)) await chmod(full, mode);
  await utimes(full, mtime, mtime);
}

async function makeLink(files: FileWriter, full: string, entry: ArchivedEntry): Promise<void> {
  await files.folder(resolve(full, ".."));
  try {
    await symlink(entry.linkTarget ?? "", full);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") throw conflict(full);
    throw error;
  }
  await lutimes(full, entry.mtime, entry.mtime).catch(() => undefined);
}

async function drain(entry: ArchivedEntry): Promise<void> {
  if (entry.content) for await (const _chunk of entry.content);
}
