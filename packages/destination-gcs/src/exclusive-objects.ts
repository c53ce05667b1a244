import { CairnError, checkKey, type ExclusiveObjects, httpStatusOf } from "@cairn/core";
import type { Bucket } from "@google-cloud/storage";
import { mapGcsError } from "./errors.js";

/**
 * What a lease needs, with Cloud Storage's own compare-and-swap: an object's generation changes
 * with every write, and `ifGenerationMatch` makes a write or delete conditional on it in one
 * step at the service (0: only if no live object exists).
 */
export function gcsExclusiveObjects(bucket: Bucket, root: string, where: string): ExclusiveObjects {
  const changed = (key: string, cause: unknown) =>
    new CairnError("DESTINATION_CONFLICT", `${where}${key} changed since it was read`, { cause });
  const write = async (key: string, body: Buffer, ifGenerationMatch: number): Promise<string> => {
    const file = bucket.file(root + key);
    await file.save(body, {
      resumable: false,
      contentType: "application/json",
      preconditionOpts: { ifGenerationMatch },
    });
    return String(file.metadata.generation);
  };

  return {
    async createExclusive(key, body) {
      checkKey(key);
      return write(key, body, 0).catch((error: unknown) => {
        throw mapGcsError(error, `creating "${key}" in ${where}`, bucket.name);
      });
    },

    async readVersioned(key) {
      checkKey(key);
      // An object replaced between the two calls is gone at the generation read: look again.
      for (let attempt = 0; ; attempt++) {
        try {
          const [metadata] = await bucket.file(root + key).getMetadata();
          const generation = String(metadata.generation);
          const [body] = await bucket.file(root + key, { generation }).download();
          return { body, version: generation };
        } catch (error) {
          if (httpStatusOf(error) !== 404 || attempt >= 2)
            throw mapGcsError(error, `reading "${key}" from ${where}`, bucket.name);
        }
      }
    },

    async replaceIfVersion(key, body, version) {
      checkKey(key);
      return write(key, body, Number(version)).catch((error: unknown) => {
        if (httpStatusOf(error) === 412 || httpStatusOf(error) === 404) throw changed(key, error);
        throw mapGcsError(error, `replacing "${key}" in ${where}`, bucket.name);
      });
    },

    async deleteIfVersion(key, version) {
      checkKey(key);
      await bucket
        .file(root + key)
        .delete({ ifGenerationMatch: Number(version) })
        .catch((error: unknown) => {
          if (httpStatusOf(error) === 404) return;
          if (httpStatusOf(error) === 412) throw changed(key, error);
          throw mapGcsError(error, `deleting "${key}" from ${where}`, bucket.name);
        });
    },
  };
}
