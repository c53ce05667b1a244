import { posix } from "node:path";
import { CairnError, contentVersion, type ExclusiveObjects, partialName } from "@cairn/core";
import type { SftpConnection } from "./connection.js";
import { mapSftpError, SFTP_STATUS } from "./errors.js";
import { remotePath } from "./keys.js";
import {
  closeHandle,
  hasExtension,
  makeFolders,
  open,
  posixRename,
  readFile,
  rename,
  statIfExists,
  unlink,
  write,
} from "./sftp-calls.js";

const missing = (error: unknown) => (error as { code?: unknown }).code === SFTP_STATUS.NO_SUCH_FILE;

/**
 * What a lease needs, over SFTP. Creating is an exclusive open (SSH_FXF_CREAT | SSH_FXF_EXCL),
 * which the server carries out as one step, then one write of the small body; a reader in
 * between finds an empty object, which a lease counts as held. SFTP keeps no versions, so the
 * version is a hash of the content, and replacing or deleting reads, compares, then renames or
 * unlinks: a writer acting between the compare and the rename goes unseen (docs/fleet.md).
 */
export function sftpExclusiveObjects(
  connection: SftpConnection,
  root: string,
  host: string,
): ExclusiveObjects {
  const changed = (key: string) =>
    new CairnError("DESTINATION_CONFLICT", `sftp: ${key} on ${host} changed since it was read`);
  const read = (path: string) =>
    connection.run(
      (s) =>
        readFile(s.sftp, path).catch((error: unknown) => {
          if (missing(error)) return undefined;
          throw mapSftpError(error, "read", path);
        }),
      true,
    );
  const writeAll = async (sftp: Parameters<typeof write>[0], handle: Buffer, body: Buffer) => {
    try {
      if (body.length > 0) await write(sftp, handle, body, 0);
    } finally {
      await closeHandle(sftp, handle);
    }
  };

  return {
    async createExclusive(key, body) {
      const path = remotePath(root, key);
      // Not repeated on a new connection: the lost reply may have been our own success.
      return connection.run(async (s) => {
        const openExclusive = () => open(s.sftp, path, "wx");
        let handle: Buffer | undefined;
        // SFTP v3 has no "exists" status: OpenSSH answers a plain failure, so the stat after it
        // tells. A lease released between the two looks like neither: open again.
        for (let attempt = 0; handle === undefined; attempt++) {
          try {
            handle = await openExclusive().catch(async (error: unknown) => {
              if (!missing(error)) throw error;
              // The job's folder is new. Several hosts may make it at once: one that finds it
              // made by another goes on.
              await makeFolders(s.sftp, posix.dirname(path));
              return openExclusive();
            });
          } catch (error) {
            if (await statIfExists(s.sftp, path).catch(() => undefined)) {
              throw new CairnError("DESTINATION_CONFLICT", `sftp: ${key} already exists on ${host}`);
            }
            if (attempt >= 4) throw mapSftpError(error, "create", path);
          }
        }
        await writeAll(s.sftp, handle, body).catch((error: unknown) => {
          throw mapSftpError(error, "write", path);
        });
        return contentVersion(body);
      }, false);
    },

    async readVersioned(key) {
      const body = await read(remotePath(root, key));
      if (!body) throw new CairnError("NOT_FOUND", `sftp: ${key} does not exist on ${host}`);
      return { body, version: contentVersion(body) };
    },

    async replaceIfVersion(key, body, version) {
      const path = remotePath(root, key);
      const before = await read(path);
      if (!before || contentVersion(before) !== version) throw changed(key);
      return connection.run(async (s) => {
        const partial = posix.join(posix.dirname(path), partialName(posix.basename(path)));
        try {
          await writeAll(s.sftp, await open(s.sftp, partial, "wx"), body);
          // posix-rename replaces in one step; without it the old object goes first.
          if (hasExtension(s.sftp, "posix-rename@openssh.com")) await posixRename(s.sftp, partial, path);
          else {
            await unlink(s.sftp, path).catch(() => {});
            await rename(s.sftp, partial, path);
          }
        } catch (error) {
          await unlink(s.sftp, partial).catch(() => {});
          throw mapSftpError(error, "replace", path);
        }
        return contentVersion(body);
      }, false);
    },

    async deleteIfVersion(key, version) {
      const path = remotePath(root, key);
      const before = await read(path);
      if (!before) return;
      if (contentVersion(before) !== version) throw changed(key);
      await connection.run(
        (s) =>
          unlink(s.sftp, path).catch((error: unknown) => {
            if (!missing(error)) throw mapSftpError(error, "delete", path);
          }),
        true,
      );
    },
  };
}
