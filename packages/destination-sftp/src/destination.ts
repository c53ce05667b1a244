import { addAbortSignal, type Readable } from "node:stream";
import {
  CairnError,
  checkListPrefix,
  type Destination,
  type PluginContext,
  type StoredObject,
} from "@cairn/core";
import { SftpConnection } from "./connection.js";
import { readStream } from "./download.js";
import { mapSftpError, SFTP_STATUS } from "./errors.js";
import { sftpExclusiveObjects } from "./exclusive-objects.js";
import { normalizeRoot, remotePath } from "./keys.js";
import { listFiles } from "./list.js";
import type { SftpOptions } from "./options.js";
import { putFile } from "./put.js";
import { hasExtension, stat, statvfs, unlink } from "./sftp-calls.js";

const STATVFS = "statvfs@openssh.com";
const NO_STATVFS = `the server does not offer the ${STATVFS} extension`;

/** The SFTP destination: one lazily opened connection shared by all calls. */
export function createSftpDestination(options: SftpOptions, ctx: PluginContext): Destination {
  const connection = new SftpConnection(options, ctx.baseDir, ctx.logger);
  const root = normalizeRoot(options.path);
  const orphans = new Set<string>();

  return {
    ...sftpExclusiveObjects(connection, root, options.host),
    /** Atomic: written under a partial name (`.<name>.<random>.partial`) and renamed; an existing key gives DESTINATION_CONFLICT. */
    async put(key: string, body: Readable, info) {
      return putFile(
        {
          connection,
          logger: ctx.logger,
          writesInFlight: options.writesInFlight,
          remoteChecksum: options.remoteChecksum,
          timeoutMs: options.timeoutSeconds * 1000,
          orphans,
        },
        key,
        remotePath(root, key),
        body,
        info,
      );
    },

    /** Each file under the prefix once; uploads in progress are never listed. */
    async *list(prefix: string, listOptions?: { signal?: AbortSignal }): AsyncIterable<StoredObject> {
      checkListPrefix(prefix);
      const signal = listOptions?.signal;
      const files = await connection
        .run((s) => listFiles(s.sftp, root, prefix, signal), true)
        .catch((error: unknown) => Promise.reject(mapSftpError(error, "list", `${root}/${prefix}`)));
      for (const file of files) {
        signal?.throwIfAborted();
        yield file;
      }
    },

    /** A missing key rejects with NOT_FOUND. */
    async get(key: string, getOptions: { signal: AbortSignal }): Promise<Readable> {
      const path = remotePath(root, key);
      return connection.run(async (s) => {
        let size: number;
        try {
          size = (await stat(s.sftp, path)).size;
        } catch (error) {
          if ((error as { code?: unknown }).code === SFTP_STATUS.NO_SUCH_FILE) {
            throw new CairnError("NOT_FOUND", `sftp: ${key} does not exist on ${options.host}`, {
              cause: error,
            });
          }
          throw mapSftpError(error, "read", path);
        }
        const stream = readStream(s.sftp, path, size, {
          readsInFlight: options.writesInFlight,
          lost: s.lost,
          mapError: (error) => mapSftpError(error, "read", path),
        });
        return addAbortSignal(getOptions.signal, stream);
      }, true);
    },

    /** Deleting a key that is already gone resolves. */
    async delete(key: string): Promise<void> {
      const path = remotePath(root, key);
      await connection
        .run(async (s) => {
          try {
            await unlink(s.sftp, path);
          } catch (error) {
            if ((error as { code?: unknown }).code !== SFTP_STATUS.NO_SUCH_FILE) throw error;
          }
        }, true)
        .catch((error: unknown) => Promise.reject(mapSftpError(error, "delete", path)));
    },

    /** Bytes an unprivileged user may still write in the destination's folder (statvfs f_bavail). */
    async freeSpace(): Promise<number> {
      return connection
        .run(async (s) => {
          if (!hasExtension(s.sftp, STATVFS)) {
            throw new CairnError(
              "DESTINATION_IO",
              `sftp: ${options.host} cannot report free space: ${NO_STATVFS}`,
              {
                hint: "use maxTotalSize or maxCount retention instead of minFreeSpace for this destination",
              },
            );
          }
          const fs = await statvfs(s.sftp, root);
          return fs.f_bavail * fs.f_frsize;
        }, true)
        .catch((error: unknown) => Promise.reject(mapSftpError(error, "check free space in", root)));
    },

    /** Free space needs the statvfs@openssh.com extension, which only the server can announce. */
    async unavailableCapabilities() {
      const offered = await connection
        .run(async (s) => hasExtension(s.sftp, STATVFS), true)
        .catch((error: unknown) => Promise.reject(mapSftpError(error, "connect to", options.host)));
      return offered ? {} : { freeSpace: NO_STATVFS };
    },

    close: () => connection.close(),
  };
}
