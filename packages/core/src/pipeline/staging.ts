import { randomBytes } from "node:crypto";
import { lstat, mkdir, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { CairnError } from "../errors.js";

/**
 * A hidden folder inside the restore target that a restore writes into first. Only once the
 * whole archive has been read and checked (every chunk of an encrypted one authenticated, the
 * SHA-256 matched) are its entries moved into the target; a failure removes it, so a damaged or
 * truncated backup restores nothing. Inside the target, so moving is a rename on one file system.
 */
export interface Staging {
  dir: string;
  /** Moves everything staged into the target; checks every name first, so it moves all or nothing. */
  commit(overwrite: boolean): Promise<void>;
  discard(): Promise<void>;
}

export async function openStaging(root: string): Promise<Staging> {
  const dir = join(root, `.cairn-restore-${randomBytes(4).toString("hex")}`);
  await mkdir(dir, { mode: 0o700 });
  return {
    dir,
    async commit(overwrite) {
      const moves: [string, string][] = [];
      await planMoves(dir, root, overwrite, moves);
      for (const [from, to] of moves) await rename(from, to);
      await rm(dir, { recursive: true, force: true });
    },
    discard: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * What moves where: a name the target lacks moves whole; a folder the target has too is merged
 * (only a real folder: a symbolic link in the target is never followed); a file replaces one
 * only with `overwrite`.
 */
async function planMoves(from: string, to: string, overwrite: boolean, moves: [string, string][]) {
  for (const name of await readdir(from)) {
    const source = join(from, name);
    const target = join(to, name);
    const existing = await lstat(target).catch(() => undefined);
    if (!existing) {
      moves.push([source, target]);
      continue;
    }
    const staged = await lstat(source);
    if (staged.isDirectory() && existing.isDirectory()) {
      await planMoves(source, target, overwrite, moves);
    } else if (!overwrite || staged.isDirectory() !== existing.isDirectory()) {
      throw conflict(target);
    } else {
      moves.push([source, target]);
    }
  }
}

export function conflict(full: string): CairnError {
  return new CairnError("RESTORE_CONFLICT", `${full} already exists; restore does not overwrite files`, {
    hint: "restore into an empty folder, or pass --overwrite to replace existing files",
  });
}
