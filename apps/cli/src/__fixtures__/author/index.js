// A third party's destination plugin, as the guide in docs/writing-a-destination.md builds it:
// plain JavaScript, only cairn's public API. It keeps backups in a folder.
import { createReadStream, createWriteStream } from "node:fs";
import { link, mkdir, readdir, rm, stat, unlink } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { pipeline } from "node:stream/promises";
import {
  CairnError,
  checkKey,
  checkListPrefix,
  defineDestination,
  PLUGIN_API_VERSION,
  withDeclaredSize,
} from "@cairn/core";
import { z } from "zod";

function folderDestination(root) {
  // checkKey refuses "../x", absolute keys and the like, with the code every destination uses.
  const at = (key) => join(root, ...checkKey(key).split("/"));
  async function* walk(dir, signal) {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      signal?.throwIfAborted();
      const full = join(dir, entry.name);
      if (entry.isDirectory()) yield* walk(full, signal);
      else if (!entry.name.endsWith(".tmp")) {
        const s = await stat(full);
        yield { key: relative(root, full).split("\\").join("/"), size: s.size, modified: s.mtime };
      }
    }
  }
  return {
    async put(key, body, { size, signal }) {
      const tmp = `${at(key)}.${process.pid}.${Date.now()}.tmp`;
      await mkdir(dirname(tmp), { recursive: true });
      try {
        // withDeclaredSize fails a body shorter or longer than the size the caller declared.
        await pipeline(withDeclaredSize(body, size, key), createWriteStream(tmp, { flags: "wx" }), { signal });
        await link(tmp, at(key)).catch((e) => {
          throw e.code === "EEXIST" ? new CairnError("DESTINATION_CONFLICT", `${key} exists`) : e;
        });
      } finally {
        await rm(tmp, { force: true });
      }
      const s = await stat(at(key));
      return { key, size: s.size, modified: s.mtime };
    },
    async *list(prefix, { signal } = {}) {
      checkListPrefix(prefix);
      for await (const object of walk(root, signal)) if (object.key.startsWith(prefix)) yield object;
    },
    async get(key) {
      await stat(at(key)).catch((cause) => {
        throw new CairnError("NOT_FOUND", `no ${key}`, { cause });
      });
      return createReadStream(at(key));
    },
    async delete(key) {
      await unlink(at(key)).catch((e) => (e.code === "ENOENT" ? undefined : Promise.reject(e)));
    },
    async close() {},
  };
}

export default defineDestination({
  type: "acme-cairn-folder",
  apiVersion: PLUGIN_API_VERSION,
  options: z.strictObject({ folder: z.string() }),
  capabilities: { delete: true, freeSpace: false },
  create: (options, ctx) => folderDestination(join(ctx.baseDir, options.folder)),
});
export { folderDestination };
