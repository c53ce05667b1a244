import type { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import {
  CairnError,
  checkKey,
  checkListPrefix,
  type Destination,
  type PutInfo,
  type StoredObject,
  withDeclaredSize,
} from "@cairn/core";
import { s3Error } from "./errors.js";
import { s3ExclusiveObjects } from "./exclusive-objects.js";
import type { S3Options } from "./options.js";

const MiB = 1024 * 1024;

/**
 * Backups in an S3 bucket. A put is one multipart upload of bounded parts (nothing is visible
 * until S3 completes it, and an aborted or failed one is aborted at S3 so no parts linger);
 * `If-None-Match: *` makes S3 itself refuse to overwrite an existing key.
 */
export function createS3Destination(options: S3Options): Destination {
  const client = new S3Client({
    region: options.region,
    forcePathStyle: options.forcePathStyle,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.accessKeyId && options.secretAccessKey
      ? { credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } }
      : {}),
  });
  const prefix = options.prefix && !options.prefix.endsWith("/") ? `${options.prefix}/` : options.prefix;
  const Bucket = options.bucket;
  const fail = (error: unknown, what: string) => s3Error(error, what, Bucket);

  const exists = async (key: string): Promise<boolean> => {
    try {
      await client.send(new HeadObjectCommand({ Bucket, Key: prefix + key }));
      return true;
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
        return false;
      throw fail(error, `check ${key}`);
    }
  };

  return {
    ...s3ExclusiveObjects(client, Bucket, prefix ?? ""),
    async put(key: string, original: Readable, info: PutInfo): Promise<StoredObject> {
      checkKey(key);
      const body = withDeclaredSize(original, info.size, key);
      // Servers that ignore If-None-Match (some S3-compatible ones) are still checked up front.
      if (await exists(key)) {
        body.destroy();
        throw new CairnError(
          "DESTINATION_CONFLICT",
          `${key} already exists in bucket ${Bucket}; cairn never overwrites`,
        );
      }
      info.signal.throwIfAborted();
      const abort = new AbortController();
      const onAbort = () => abort.abort(info.signal.reason);
      info.signal.addEventListener("abort", onAbort, { once: true });
      let sourceError: unknown;
      body.once("error", (error) => {
        sourceError = error;
        abort.abort(error);
      });
      const upload = new Upload({
        client,
        params: { Bucket, Key: prefix + key, Body: body, IfNoneMatch: "*" },
        partSize: options.partSizeMiB * MiB,
        queueSize: options.queueSize,
        leavePartsOnError: false,
        abortController: abort,
      });
      try {
        await upload.done();
      } catch (error) {
        body.destroy();
        if (info.signal.aborted)
          throw info.signal.reason instanceof Error ? info.signal.reason : fail(error, `upload ${key}`);
        if (sourceError) throw sourceError;
        throw fail(error, `upload ${key}`);
      } finally {
        info.signal.removeEventListener("abort", onAbort);
      }
      const head = await client
        .send(new HeadObjectCommand({ Bucket, Key: prefix + key }))
        .catch((e: unknown) => {
          throw fail(e, `check ${key} after upload`);
        });
      return { key, size: head.ContentLength ?? 0, modified: head.LastModified ?? new Date() };
    },

    async *list(listPrefix: string, listOptions?: { signal?: AbortSignal }) {
      checkListPrefix(listPrefix);
      const signal = listOptions?.signal;
      let ContinuationToken: string | undefined;
      do {
        signal?.throwIfAborted();
        const page = await client
          .send(
            new ListObjectsV2Command({
              Bucket,
              Prefix: prefix + listPrefix,
              ContinuationToken,
              MaxKeys: options.listPageSize,
            }),
            signal ? { abortSignal: signal } : {},
          )
          .catch((e: unknown) => {
            throw fail(e, "list");
          });
        for (const object of page.Contents ?? []) {
          signal?.throwIfAborted();
          if (!object.Key) continue;
          yield {
            key: object.Key.slice(prefix.length),
            size: object.Size ?? 0,
            modified: object.LastModified ?? new Date(0),
          };
        }
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
    },

    async get(key: string, getOptions: { signal: AbortSignal }): Promise<Readable> {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket, Key: prefix + checkKey(key) }), {
          abortSignal: getOptions.signal,
        });
        return object.Body as Readable;
      } catch (error) {
        const failure = error as { name?: string; $metadata?: { httpStatusCode?: number } };
        if (failure.name === "NoSuchKey" || failure.$metadata?.httpStatusCode === 404) {
          throw new CairnError("NOT_FOUND", `no ${key} in bucket ${Bucket}`, { cause: error });
        }
        throw fail(error, `read ${key}`);
      }
    },

    async delete(key: string): Promise<void> {
      // S3's DeleteObject succeeds for a missing key, which is what cairn wants.
      await client
        .send(new DeleteObjectCommand({ Bucket, Key: prefix + checkKey(key) }))
        .catch((e: unknown) => {
          throw fail(e, `delete ${key}`);
        });
    },

    async close() {
      client.destroy();
    },
  };
}
