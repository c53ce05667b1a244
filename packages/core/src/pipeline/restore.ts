import { createWriteStream } from "node:fs";
import { chmod, lutimes, mkdir, rm, symlink, utimes } from "node:fs/promises";
import { resolve } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { CompleteBackup } from "../catalog/list-backups.js";
import type { ArchivedEntry, Archiver } from "../contracts/archiver.js";
import type { RunContext } from "../contracts/context.js";
import type { Destination } from "../contracts/destination.js";
import { isIndexEntry } from "../entry-index/format.js";
import { CairnError } from "../errors.js";
import { readBackupArchive } from "./read-archive.js";
import { ParentGuard, safeTargetPath } from "./safe-path.js";

export interface RestoreOptions {
  target: string;
  /** Replace files that already exist in the target; without it an existing file is an error. */
  overwrite: boolean;
  /** Restores only the entries it accepts, called in archive order (a drill's sample). */
  select?: (entry: ArchivedEntry) => boolean;
  /** Receives the backup's per-entry index, which is never written into the target. */
  onIndex?: (content: Readable) => Promise<void>;
}

export interface RestoreResult {
  id: string;
  target: string;
  entries: number;
  bytes: number;
}

/** Writes a backup's entries under `target` with their modes and mtimes, refusing anything that would escape it. */
export async function restoreBackup(
  destination: Destination,
  backup: CompleteBackup,
  archiver: Archiver,
  options: RestoreOptions,
  ctx: RunContext,
): Promise<RestoreResult> {
  const root = resolve(options.target);
  await mkdir(root, { recursive: true });
  const guard = new ParentGuard(root);
  const reading = await readBackupArchive(destination, backup, archiver, ctx);
  const folders: { full: string; entry: ArchivedEntry }[] = [];
  let entries = 0;
  let bytes = 0;

  let position = 0;
  for await (const entry of reading.entries) {
    if (isIndexEntry(backup.manifest, position++)) {
      if (options.onIndex && entry.content) await options.onIndex(entry.content);
      else await drain(entry);
      continue;
    }
    if (options.select && !options.select(entry)) {
      await drain(entry);
      continue;
    }
    const full = safeTargetPath(root, entry.path);
    await guard.check(full, entry.path);
    entries += 1;
    if (entry.type === "directory") {
      await mkdir(full, { recursive: true });
      folders.push({ full, entry });
    } else if (entry.type === "symlink") {
      await makeLink(full, entry, options.overwrite);
      guard.forget(full);
    } else {
      bytes += await writeFile(full, entry, options.overwrite);
      guard.forget(full);
    }
  }
  await reading.checked();
  // Folder times last, deepest first: writing inside a folder changes its mtime.
  for (const { full, entry } of folders.reverse()) {
    await chmod(full, entry.mode || 0o755).catch(() => undefined);
    await utimes(full, entry.mtime, entry.mtime).catch(() => undefined);
  }
  return { id: backup.id, target: root, entries, bytes };
}

async function writeFile(full: string, entry: ArchivedEntry, overwrite: boolean): Promise<number> {
  await mkdir(resolve(full, ".."), { recursive: true });
  const out = createWriteStream(full, { flags: overwrite ? "w" : "wx", mode: entry.mode || 0o644 });
  let written = 0;
  try {
    if (entry.content) {
      entry.content.on("data", (chunk: Buffer) => {
        written += chunk.length;
      });
      await pipeline(entry.content, out);
    } else {
      await new Promise<void>((done, fail) =>
        out.end((error?: Error | null) => (error ? fail(error) : done())),
      );
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") throw conflict(full);
    throw error;
  }
  await chmod(full, entry.mode || 0o644);
  await utimes(full, entry.mtime, entry.mtime);
  return written;
}

async function makeLink(full: string, entry: ArchivedEntry, overwrite: boolean): Promise<void> {
  await mkdir(resolve(full, ".."), { recursive: true });
  if (overwrite) await rm(full, { force: true });
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

function conflict(full: string): CairnError {
  return new CairnError("RESTORE_CONFLICT", `${full} already exists; restore does not overwrite files`, {
    hint: "restore into an empty folder, or pass --overwrite to replace existing files",
  });
}
