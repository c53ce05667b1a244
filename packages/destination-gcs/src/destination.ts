import type { Readable } from "node:stream";
import {
  checkKey,
  checkListPrefix,
  type Destination,
  httpStatusOf,
  type Logger,
  type PutInfo,
  type StoredObject,
  withDeclaredSize,
} from "@cairn/core";
import type { Bucket } from "@google-cloud/storage";
import { createClient } from "./client.js";
import { downloadObject } from "./download.js";
import { mapGcsError } from "./errors.js";
import { gcsExclusiveObjects } from "./exclusive-objects.js";
import { type GcsOptions, normalizePrefix } from "./options.js";
import { describeSoftDelete, readSoftDelete, type SoftDeleteInfo } from "./soft-delete.js";
import { uploadObject } from "./upload.js";

export interface GcsDestination extends Destination {
  /** The bucket's soft delete policy. */
  softDelete(): Promise<SoftDeleteInfo>;
  /** A sentence for `cairn prune` when deleted objects keep costing money; undefined when not. */
  deletionNotice(): Promise<string | undefined>;
}

export function createGcsDestination(
  options: GcsOptions,
  ctx: { baseDir: string; logger: Logger },
): GcsDestination {
  const client = createClient(options, ctx.baseDir);
  const bucket: Bucket = client.storage.bucket(options.bucket);
  const root = normalizePrefix(options.prefix);
  const where = `gs://${options.bucket}/${root}`;
  const fail = (action: string) => (error: unknown) => {
    throw mapGcsError(error, action, options.bucket);
  };

  async function cancelSession(uri: string): Promise<void> {
    if (client.uploadsAuthenticated) {
      await client.storage.authClient.request({ url: uri, method: "DELETE", validateStatus: () => true });
    } else {
      await fetch(uri, { method: "DELETE" });
    }
  }

  return {
    ...gcsExclusiveObjects(bucket, root, where),
    async put(key: string, body: Readable, info: PutInfo): Promise<StoredObject> {
      const action = `uploading "${key}" to ${where}`;
      const file = bucket.file(root + checkKey(key));
      const result = await uploadObject(file, withDeclaredSize(body, info.size, key), {
        signal: info.signal,
        chunkSize: options.chunkSize,
        storageClass: options.storageClass,
        logger: ctx.logger,
        cancelSession,
      }).catch(fail(action));
      // The SHA-256 is known only at the end, so it is added once the object exists; the
      // manifest holds it too, so a bucket policy that forbids updates costs a warning only.
      await file
        .setMetadata({ metadata: { sha256: result.sha256 } }, { ifGenerationMatch: result.generation })
        .catch((error: unknown) => {
          ctx.logger.warn(`could not record the SHA-256 of "${key}" as object metadata`, {
            error: mapGcsError(error, "updating metadata", options.bucket).message,
          });
        });
      return { key, size: result.size, modified: result.modified };
    },

    async *list(prefix: string, listOptions?: { signal?: AbortSignal }): AsyncIterable<StoredObject> {
      checkListPrefix(prefix);
      const signal = listOptions?.signal;
      let pageToken: string | undefined;
      do {
        signal?.throwIfAborted();
        const [files, next] = await bucket
          .getFiles({
            prefix: root + prefix,
            autoPaginate: false,
            maxResults: options.listPageSize,
            ...(pageToken ? { pageToken } : {}),
          })
          .catch(fail(`listing ${where}${prefix}`));
        for (const file of files) {
          signal?.throwIfAborted();
          const metadata = file.metadata;
          yield {
            key: file.name.slice(root.length),
            size: Number(metadata.size ?? 0),
            modified: new Date(String(metadata.timeCreated ?? metadata.updated)),
          };
        }
        pageToken = (next as { pageToken?: string } | null | undefined)?.pageToken;
      } while (pageToken);
    },

    async get(key: string, getOptions: { signal: AbortSignal }): Promise<Readable> {
      const action = `downloading "${key}" from ${where}`;
      const [metadata] = await bucket
        .file(root + checkKey(key))
        .getMetadata()
        .catch(fail(action));
      // Pinned to the generation: a resumed part must come from the same object.
      const pinned = bucket.file(root + key, { generation: String(metadata.generation) });
      return downloadObject(pinned, {
        signal: getOptions.signal,
        size: Number(metadata.size ?? 0),
        crc32c: metadata.crc32c,
        maxResumes: Math.max(options.maxRetries, 1),
        describe: action,
        mapError: (error) => mapGcsError(error, action, options.bucket),
      });
    },

    async delete(key: string): Promise<void> {
      await bucket
        .file(root + checkKey(key))
        .delete()
        .catch((error: unknown) => {
          // Already gone counts as done; a missing bucket does not.
          if (httpStatusOf(error) === 404 && !/bucket does not exist/i.test(String((error as Error).message)))
            return;
          fail(`deleting "${key}" from ${where}`)(error);
        });
    },

    async softDelete(): Promise<SoftDeleteInfo> {
      return readSoftDelete(bucket).catch(fail(`reading the soft delete policy of gs://${options.bucket}`));
    },

    async deletionNotice(): Promise<string | undefined> {
      return describeSoftDelete(options.bucket, await this.softDelete());
    },

    async close(): Promise<void> {},
  };
}
