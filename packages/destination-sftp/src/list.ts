import { posix } from "node:path";
import { isPartialName, type StoredObject } from "@cairn/core";
import type { SFTPWrapper } from "ssh2";
import { SFTP_STATUS } from "./errors.js";
import { readdir } from "./sftp-calls.js";

/**
 * Every file under `root` whose key starts with `prefix`, walking only the folder the
 * prefix names (`job/` or the folder of `job/job-2026`), never the whole tree.
 * Uploads in progress (core's partial names) are not backups and are skipped.
 */
export async function listFiles(
  sftp: SFTPWrapper,
  root: string,
  prefix: string,
  signal?: AbortSignal,
): Promise<StoredObject[]> {
  const folder = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
  const found: StoredObject[] = [];
  const queue = [folder];
  while (queue.length > 0) {
    signal?.throwIfAborted();
    const relative = queue.shift() as string;
    let entries: Awaited<ReturnType<typeof readdir>>;
    try {
      entries = await readdir(sftp, relative === "" ? root : posix.join(root, relative));
    } catch (error) {
      // A job that never ran has no folder yet: nothing to list.
      if ((error as { code?: unknown }).code === SFTP_STATUS.NO_SUCH_FILE) continue;
      throw error;
    }
    for (const { filename, attrs } of entries) {
      if (filename === "." || filename === "..") continue;
      const key = relative === "" ? filename : `${relative}/${filename}`;
      if (attrs.isDirectory()) {
        // Descend only where keys with this prefix can live.
        if (`${key}/`.startsWith(prefix) || prefix.startsWith(`${key}/`)) queue.push(key);
      } else if (attrs.isFile() && key.startsWith(prefix) && !isPartialName(filename)) {
        found.push({ key, size: attrs.size, modified: new Date(attrs.mtime * 1000) });
      }
    }
  }
  return found;
}
