import type { Dir } from "node:fs";
import { createReadStream, createWriteStream } from "node:fs";
import { link, lstat, open, opendir, readdir, rm, stat, statfs, unlink } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  CairnError,
  checkKey,
  checkListPrefix,
  type Destination,
  isPartialName,
  type PutInfo,
  partialName,
  type StoredObject,
  stalePartials,
  withDeclaredSize,
} from "@cairn/core";
import { ensureFolder } from "./ensure-folder.js";
import { localError } from "./errors.js";
import { localExclusiveObjects } from "./exclusive-objects.js";

/**
 * Removes what killed uploads left in a folder (core decides which: cairn's own partial names,
 * a day old); a failure here never fails the backup.
 */
async function removeStalePartials(folder: string, folderKey: string): Promise<void> {
  const names = await readdir(folder).catch(() => [] as string[]);
  const files = [];
  for (const name of names.filter(isPartialName)) {
    const stats = await lstat(join(folder, name)).catch(() => undefined);
    if (stats?.isFile()) files.push({ name, modified: stats.mtime });
  }
  for (const name of stalePartials(folderKey, files))
    await rm(join(folder, name), { force: true }).catch(() => {});
}

/**
 * Backups in a folder on a local or mounted disk. A put writes `.<name>.<random>.partial` beside
 * the final name, flushes it to disk, then links it to the final name, which fails if the name
 * exists: until then nothing is visible under the key, and nothing is ever overwritten.
 */
export function createLocalDestination(path: string): Destination {
  // Keys are checked against the absolute root, so a relative path must be made absolute first.
  const root = resolve(path);
  // checkKey leaves no way out of the root (no "..", no absolute keys, no backslashes).
  const pathOf = (key: string): string => join(root, ...checkKey(key).split("/"));

  return {
    ...localExclusiveObjects(root, pathOf),
    async put(key: string, body: Readable, info: PutInfo): Promise<StoredObject> {
      const target = pathOf(key);
      const folder = dirname(target);
      const partial = join(folder, partialName(target.slice(folder.length + 1)));
      try {
        await ensureFolder(folder);
        await removeStalePartials(folder, key.split("/").slice(0, -1).join("/"));
        if (await exists(target)) throw conflict(key, root);
        // `wx`: a fresh file of our own; `flush`: its bytes are on the disk before it is named.
        await pipeline(
          withDeclaredSize(body, info.size, key),
          createWriteStream(partial, { flags: "wx", flush: true, highWaterMark: 1024 * 1024 }),
          { signal: info.signal },
        );
        // link() refuses an existing name, where rename() would silently replace it.
        await link(partial, target).catch((error: NodeJS.ErrnoException) => {
          throw error.code === "EEXIST" ? conflict(key, root) : error;
        });
        await unlink(partial);
        await syncFolder(folder);
        const stats = await stat(target);
        return { key, size: stats.size, modified: stats.mtime };
      } catch (error) {
        body.destroy();
        await rm(partial, { force: true }).catch(() => {});
        if (info.signal.aborted) throw info.signal.reason instanceof Error ? info.signal.reason : error;
        throw localError(error, `write ${key}`, root);
      }
    },

    async *list(prefix: string, listOptions?: { signal?: AbortSignal }) {
      checkListPrefix(prefix);
      const start = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
      const folder = start ? pathOf(start) : root;
      for await (const object of walk(folder, root, listOptions?.signal)) {
        if (object.key.startsWith(prefix)) yield object;
      }
    },

    async get(key: string, options: { signal: AbortSignal }): Promise<Readable> {
      const full = pathOf(key);
      try {
        const handle = await open(full, "r");
        return createReadStream("", { fd: handle, highWaterMark: 1024 * 1024, signal: options.signal });
      } catch (error) {
        if (
          (error as NodeJS.ErrnoException).code === "ENOENT" ||
          (error as NodeJS.ErrnoException).code === "ENOTDIR"
        ) {
          throw new CairnError("NOT_FOUND", `no ${key} in ${root}`, { cause: error });
        }
        throw localError(error, `read ${key}`, root);
      }
    },

    async delete(key: string): Promise<void> {
      try {
        await unlink(pathOf(key));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "ENOTDIR") return;
        throw localError(error, `delete ${key}`, root);
      }
    },

    async freeSpace(): Promise<number> {
      try {
        const fs = await statfs(await nearestExisting(root));
        return fs.bavail * fs.bsize;
      } catch (error) {
        throw localError(error, "read the free space", root);
      }
    },

    async close() {},
  };
}

/**
 * Every file below `folder`, read from the disk a few entries at a time (Node's opendir buffers
 * 32), so a folder of many backups is listed in bounded memory. Stops at an aborted signal.
 */
async function* walk(folder: string, root: string, signal?: AbortSignal): AsyncGenerator<StoredObject> {
  signal?.throwIfAborted();
  let dir: Dir;
  try {
    dir = await opendir(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return;
    throw localError(error, "list", root);
  }
  // The for-await closes the folder however the loop ends.
  for await (const entry of dir) {
    signal?.throwIfAborted();
    if (isPartialName(entry.name)) continue;
    const full = join(folder, entry.name);
    if (entry.isDirectory()) {
      yield* walk(full, root, signal);
    } else if (entry.isFile()) {
      const stats = await lstat(full).catch(() => undefined);
      if (!stats?.isFile()) continue;
      signal?.throwIfAborted();
      yield { key: relative(root, full).split(sep).join("/"), size: stats.size, modified: stats.mtime };
    }
  }
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

async function nearestExisting(path: string): Promise<string> {
  let at = path;
  while (!(await exists(at)) && dirname(at) !== at) at = dirname(at);
  return at;
}

/** Makes the new name itself durable, not only the file's bytes. */
async function syncFolder(folder: string): Promise<void> {
  if (process.platform === "win32") return;
  const handle = await open(folder, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function conflict(key: string, root: string): CairnError {
  return new CairnError(
    "DESTINATION_CONFLICT",
    `${key} already exists in ${root}; cairn never overwrites a backup`,
  );
}
