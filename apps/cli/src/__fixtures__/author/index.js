// A third party's destination plugin, as the guide in docs/writing-a-destination.md builds it:
// plain JavaScript, only cairn's public API. It keeps backups in a folder.
import { createReadStream, createWriteStream } from "node:fs";
import { link, mkdir, readdir, rm, stat, unlink } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { pipeline } from "node:stream/promises";
import { CairnError, defineDestination, PLUGIN_API_VERSION } from "@cairn/core";
import { z } from "zod";

function folderDestination(root) {
  const at = (key) => join(root, ...key.split("/"));
  async function* walk(dir) {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) yield* walk(full);
      else if (!entry.name.endsWith(".tmp")) {
        const s = await stat(full);
        yield { key: relative(root, full).split("\\").join("/"), size: s.size, modified: s.mtime };
      }
    }
  }
  return {
    async put(key, body, { signal }) {
      const tmp = `${at(key)}.${process.pid}.${Date.now()}.tmp`;
      await mkdir(dirname(tmp), { recursive: true });
      try {
        await pipeline(body, createWriteStream(tmp, { flags: "wx" }), { signal });
        await link(tmp, at(key)).catch((e) => {
          throw e.code === "EEXIST" ? new CairnError("DESTINATION_CONFLICT", `${key} exists`) : e;
        });
      } finally {
        await rm(tmp, { force: true });
      }
      const s = await stat(at(key));
      return { key, size: s.size, modified: s.mtime };
    },
    async *list(prefix) {
      for await (const object of walk(root)) if (object.key.startsWith(prefix)) yield object;
    },
    async get(key) {
      await stat(at(key)).catch(() => {
        throw new CairnError("NOT_FOUND", `no ${key}`);
      });
      return createReadStream(at(key));
    },
    delete: (key) => unlink(at(key)).catch((e) => (e.code === "ENOENT" ? undefined : Promise.reject(e))),
    async close() {},
  };
}

export default defineDestination({
  type: "acme-cairn-folder",
  apiVersion: PLUGIN_API_VERSION,
  options: z.strictObject({ folder: z.string() }),
  capabilities: { atomicPut: true, delete: true, freeSpace: false },
  create: (options, ctx) => folderDestination(join(ctx.baseDir, options.folder)),
});
export { folderDestination };
