import { opendir, rm, rmdir, unlink } from "node:fs/promises";
import { join } from "node:path";

/** Files removed at once: enough to keep a disk busy, few enough to keep memory flat. */
const AT_ONCE = 16;

/**
 * Removes a folder and everything in it, reading each folder as a stream. `rm -r` in Node
 * starts the removal of every entry of a tree at once: for a sandbox of 100,000 files that
 * alone took the drill's peak from 180 to 280 MB.
 */
export async function removeTree(dir: string): Promise<void> {
  const folder = await opendir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    if (error.code === "ENOTDIR") return null;
    throw error;
  });
  if (folder === undefined) return;
  if (folder === null) return rm(dir, { force: true });
  const pending: Promise<void>[] = [];
  for await (const entry of folder) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      await removeTree(full);
      continue;
    }
    pending.push(unlink(full).catch(ignoreMissing));
    if (pending.length >= AT_ONCE) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  await rmdir(dir).catch(ignoreMissing);
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== "ENOENT") throw error;
}
