import { createHash } from "node:crypto";
import { posix } from "node:path";
import type { Readable } from "node:stream";
import {
  CairnError,
  type Logger,
  type PutInfo,
  partialName,
  type StoredObject,
  withDeclaredSize,
} from "@cairn/core";
import type { SftpConnection } from "./connection.js";
import { isConnectionError, mapSftpError, SFTP_STATUS } from "./errors.js";
import { discardPartial, removeOrphans, removeStalePartials } from "./leftovers.js";
import { remoteSha256 } from "./remote-checksum.js";
import { hasExtension, makeFolders, posixRename, rename, stat, statIfExists, statvfs } from "./sftp-calls.js";
import { WRITE_SIZE, writeStream } from "./upload.js";

export interface PutContext {
  connection: SftpConnection;
  logger: Logger;
  writesInFlight: number;
  /** Compare the server's sha256sum of the upload with the bytes sent. */
  remoteChecksum: boolean;
  timeoutMs: number;
  /** Partial files a dropped connection left behind; removed on the next put. */
  orphans: Set<string>;
}

/**
 * Uploads under a partial name beside `path`, checks the size the server stored, then renames. The rename
 * is the commit: until it happens nothing exists under the key.
 */
export async function putFile(
  ctx: PutContext,
  key: string,
  path: string,
  body: Readable,
  info: PutInfo,
): Promise<StoredObject> {
  const partial = posix.join(posix.dirname(path), partialName(posix.basename(path)));
  // Everything before the first byte is safe to repeat on a new connection.
  const session = await ctx.connection.run(async (s) => {
    await removeOrphans(ctx, s.sftp);
    await removeStalePartials(s.sftp, posix.dirname(path), posix.dirname(key), ctx.logger);
    if (await statIfExists(s.sftp, path).catch((e) => Promise.reject(mapSftpError(e, "check", path)))) {
      throw conflict(key);
    }
    await makeFolders(s.sftp, posix.dirname(path)).catch((e: unknown) => {
      throw mapSftpError(e, "create the folder", posix.dirname(path));
    });
    return s;
  }, true);
  const { sftp, lost, sendWindow } = session;
  const hash = ctx.remoteChecksum ? createHash("sha256") : undefined;

  let written: number;
  try {
    written = await writeStream(sftp, partial, withDeclaredSize(body, info.size, key), {
      writesInFlight: ctx.writesInFlight,
      sendWindow,
      signal: info.signal,
      lost,
      hash,
    });
    const stored = await stat(sftp, partial);
    if (stored.size !== written) {
      throw new CairnError(
        "DESTINATION_IO",
        `sftp: the server stored ${stored.size} bytes of ${key}, but ${written} were sent`,
        { retryable: true, hint: "check the server's disk and file system; the next run uploads again" },
      );
    }
    if (hash) {
      const sent = hash.digest("hex");
      const onServer = await remoteSha256(session.ssh, partial, ctx.timeoutMs);
      if (onServer !== sent) {
        throw new CairnError(
          "DESTINATION_IO",
          `sftp: ${key} arrived corrupted: SHA-256 on the server ${onServer}, sent ${sent}`,
          {
            retryable: true,
            hint: "check the server's disk and memory; the next run uploads again",
          },
        );
      }
    }
  } catch (error) {
    // Classify first: removing the partial file frees the space that tells a full disk apart.
    const mapped = await classifyUploadError(sftp, error, partial, path, info.signal);
    await discardPartial(ctx, sftp, partial, error);
    throw mapped;
  }

  try {
    // The rename is the point of no return: a caller who aborted by now gets nothing stored.
    info.signal.throwIfAborted();
    await commit(sftp, partial, path, key);
  } catch (error) {
    await discardPartial(ctx, sftp, partial, error);
    if (info.signal.aborted) throw aborted(path, error);
    throw CairnError.is(error) ? error : mapSftpError(error, "rename the upload to", path);
  }
  // Committed: a failure to read back the time must not report a stored backup as failed.
  const final = await stat(sftp, path).catch(() => undefined);
  return { key, size: written, modified: final ? new Date(final.mtime * 1000) : new Date() };
}

/**
 * The plain SFTP rename refuses to replace an existing file (OpenSSH implements it with
 * link + unlink), which is exactly the no-overwrite commit a backup needs. posix-rename
 * would silently replace a backup, so it is only the fallback for servers whose plain
 * rename fails on their file system, after checking again that the key is still free.
 */
async function commit(
  sftp: Parameters<typeof rename>[0],
  partial: string,
  path: string,
  key: string,
): Promise<void> {
  try {
    await rename(sftp, partial, path);
  } catch (error) {
    if (isConnectionError(error)) throw error;
    if (await statIfExists(sftp, path)) throw conflict(key);
    const code = (error as { code?: unknown }).code;
    if (code !== SFTP_STATUS.FAILURE && code !== SFTP_STATUS.OP_UNSUPPORTED) throw error;
    if (!hasExtension(sftp, "posix-rename@openssh.com")) throw error;
    await posixRename(sftp, partial, path);
  }
}

/** A generic failure while writing is, on OpenSSH, most often a full disk (ENOSPC has no SFTP status of its own). */
async function classifyUploadError(
  sftp: Parameters<typeof statvfs>[0],
  error: unknown,
  partial: string,
  path: string,
  signal: AbortSignal,
): Promise<CairnError> {
  if (signal.aborted || (error as { name?: unknown }).name === "AbortError") return aborted(path, error);
  if (CairnError.is(error)) return error;
  if (
    (error as { code?: unknown }).code === SFTP_STATUS.FAILURE &&
    hasExtension(sftp, "statvfs@openssh.com")
  ) {
    const fs = await statvfs(sftp, posix.dirname(path)).catch(() => undefined);
    if (fs && fs.f_bavail * fs.f_frsize < 4 * WRITE_SIZE) {
      return new CairnError("DESTINATION_QUOTA", `sftp: the server's disk is full while writing ${path}`, {
        cause: error,
        hint: "free space on the server, or set minFreeSpace / maxTotalSize retention for this destination",
      });
    }
  }
  return mapSftpError(error, "write", partial);
}

function aborted(path: string, cause: unknown): CairnError {
  return new CairnError("ABORTED", `sftp: upload of ${path} aborted; nothing was stored`, { cause });
}

function conflict(key: string): CairnError {
  return new CairnError(
    "DESTINATION_CONFLICT",
    `sftp: ${key} already exists on the server; backups are never overwritten`,
    {
      hint: "this usually means two runs of the same job started in the same second; run it again",
    },
  );
}
