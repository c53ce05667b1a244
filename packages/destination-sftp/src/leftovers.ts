import { posix } from "node:path";
import { isPartialName, type Logger, stalePartials } from "@cairn/core";
import { isConnectionError, SFTP_STATUS } from "./errors.js";
import { readdir, unlink } from "./sftp-calls.js";

/** What a destination keeps about its partial files across puts. */
export interface Leftovers {
  logger: Logger;
  /** Partial files a dropped connection left behind; removed on the next put. */
  orphans: Set<string>;
}

/**
 * Removes this upload's partial file after a failure; when the connection is what failed, it
 * is remembered and removed on the next put, over a new connection.
 */
export async function discardPartial(
  ctx: Leftovers,
  sftp: Parameters<typeof unlink>[0],
  partial: string,
  cause: unknown,
): Promise<void> {
  if (isConnectionError(cause)) {
    ctx.orphans.add(partial);
    return;
  }
  await unlink(sftp, partial).catch((error: unknown) => {
    if (isConnectionError(error)) ctx.orphans.add(partial);
    else ctx.logger.warn("sftp: could not remove an unfinished upload", { path: partial });
  });
}

/**
 * Removes what uploads from killed processes left in the folder a put writes to: they are never
 * listed, so nothing else would ever remove them, and they take space. Core decides which
 * (cairn's own partial names of its own backups, a day old); a failure here never fails the backup.
 */
export async function removeStalePartials(
  sftp: Parameters<typeof readdir>[0],
  folder: string,
  folderKey: string,
  logger: Logger,
): Promise<void> {
  const entries = await readdir(sftp, folder).catch(() => []);
  const files = entries
    .filter(({ filename, attrs }) => attrs.isFile() && isPartialName(filename))
    .map(({ filename, attrs }) => ({ name: filename, modified: new Date(attrs.mtime * 1000) }));
  for (const name of stalePartials(folderKey, files)) {
    const path = posix.join(folder, name);
    await unlink(sftp, path).then(
      () => logger.info("sftp: removed an upload a killed run left behind", { path }),
      () => logger.warn("sftp: could not remove an upload a killed run left behind", { path }),
    );
  }
}

export async function removeOrphans(ctx: Leftovers, sftp: Parameters<typeof unlink>[0]): Promise<void> {
  for (const partial of [...ctx.orphans]) {
    await unlink(sftp, partial).catch((error: unknown) => {
      if ((error as { code?: unknown }).code !== SFTP_STATUS.NO_SUCH_FILE) throw error;
    });
    ctx.orphans.delete(partial);
  }
}
