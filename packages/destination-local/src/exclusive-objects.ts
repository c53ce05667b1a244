import { link, readFile, rename, rm, unlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { CairnError, contentVersion, type ExclusiveObjects, partialName } from "@cairn/core";
import { ensureFolder } from "./ensure-folder.js";
import { localError } from "./errors.js";

/**
 * What a lease needs, on a folder. Creating is one step: the content is written to a private
 * temporary name, then link()ed to the key, which fails when the key exists (on NFS too). A
 * folder keeps no versions, so the version is a hash of the content, and replacing or deleting
 * reads, compares, then renames or unlinks: a writer that acts between the compare and the
 * rename goes unseen (docs/fleet.md, "Where the store has no compare-and-swap").
 */
export function localExclusiveObjects(root: string, pathOf: (key: string) => string): ExclusiveObjects {
  const changed = (key: string) =>
    new CairnError("DESTINATION_CONFLICT", `${key} in ${root} changed since it was read`);
  const staged = async (target: string, body: Buffer): Promise<string> => {
    const folder = dirname(target);
    await ensureFolder(folder);
    // Core's partial name, as put() uses: never listed, swept when stale.
    const partial = join(folder, partialName(target.slice(folder.length + 1)));
    await writeFile(partial, body, { flag: "wx", flush: true });
    return partial;
  };
  const current = async (key: string): Promise<Buffer | undefined> => {
    try {
      return await readFile(pathOf(key));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return undefined;
      throw localError(error, `read ${key}`, root);
    }
  };

  return {
    async createExclusive(key, body) {
      const target = pathOf(key);
      let partial: string | undefined;
      try {
        partial = await staged(target, body);
        await link(partial, target).catch((error: NodeJS.ErrnoException) => {
          throw error.code === "EEXIST"
            ? new CairnError("DESTINATION_CONFLICT", `${key} already exists in ${root}`)
            : error;
        });
        return contentVersion(body);
      } catch (error) {
        throw CairnError.is(error) ? error : localError(error, `create ${key}`, root);
      } finally {
        if (partial) await rm(partial, { force: true }).catch(() => {});
      }
    },

    async readVersioned(key) {
      const body = await current(key);
      if (!body) throw new CairnError("NOT_FOUND", `no ${key} in ${root}`);
      return { body, version: contentVersion(body) };
    },

    async replaceIfVersion(key, body, version) {
      const target = pathOf(key);
      const before = await current(key);
      if (!before || contentVersion(before) !== version) throw changed(key);
      const partial = await staged(target, body).catch((error: unknown) => {
        throw localError(error, `write ${key}`, root);
      });
      try {
        await rename(partial, target);
      } catch (error) {
        await rm(partial, { force: true }).catch(() => {});
        throw localError(error, `replace ${key}`, root);
      }
      return contentVersion(body);
    },

    async deleteIfVersion(key, version) {
      const before = await current(key);
      if (!before) return;
      if (contentVersion(before) !== version) throw changed(key);
      await unlink(pathOf(key)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw localError(error, `delete ${key}`, root);
      });
    },
  };
}
