import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { CairnError, checkKey, type ExclusiveObjects } from "@cairn/core";
import { s3Error } from "./errors.js";

interface S3Failure {
  name?: string;
  $metadata?: { httpStatusCode?: number };
}

/** 412 (the ETag did not match), 409 (a racing conditional write) or 404 (the object is gone). */
const lostRace = (error: unknown) => {
  const status = (error as S3Failure).$metadata?.httpStatusCode;
  return status === 412 || status === 409 || status === 404 || (error as S3Failure).name === "NoSuchKey";
};

/**
 * What a lease needs, with S3's conditional requests: `If-None-Match: *` writes only where no
 * object is, `If-Match: <ETag>` replaces or deletes only that version, in one step at S3.
 */
export function s3ExclusiveObjects(client: S3Client, Bucket: string, prefix: string): ExclusiveObjects {
  const changed = (key: string, cause: unknown) =>
    new CairnError("DESTINATION_CONFLICT", `${key} in bucket ${Bucket} changed since it was read`, { cause });
  const put = async (
    key: string,
    body: Buffer,
    condition: { IfNoneMatch: string } | { IfMatch: string },
    signal: AbortSignal,
  ) => {
    const answer = await client.send(
      new PutObjectCommand({
        Bucket,
        Key: prefix + key,
        Body: body,
        ContentType: "application/json",
        ...condition,
      }),
      { abortSignal: signal },
    );
    return answer.ETag ?? "";
  };

  return {
    async createExclusive(key, body, { signal }) {
      checkKey(key);
      return put(key, body, { IfNoneMatch: "*" }, signal).catch((error: unknown) => {
        throw s3Error(error, `create ${key}`, Bucket);
      });
    },

    async readVersioned(key, { signal }) {
      checkKey(key);
      try {
        const object = await client.send(new GetObjectCommand({ Bucket, Key: prefix + key }), {
          abortSignal: signal,
        });
        const bytes = await object.Body?.transformToByteArray();
        return { body: Buffer.from(bytes ?? []), version: object.ETag ?? "" };
      } catch (error) {
        const failure = error as S3Failure;
        if (failure.name === "NoSuchKey" || failure.$metadata?.httpStatusCode === 404) {
          throw new CairnError("NOT_FOUND", `no ${key} in bucket ${Bucket}`, { cause: error });
        }
        throw s3Error(error, `read ${key}`, Bucket);
      }
    },

    async replaceIfVersion(key, body, version, { signal }) {
      checkKey(key);
      return put(key, body, { IfMatch: version }, signal).catch((error: unknown) => {
        throw lostRace(error) ? changed(key, error) : s3Error(error, `replace ${key}`, Bucket);
      });
    },

    async deleteIfVersion(key, version, { signal }) {
      checkKey(key);
      try {
        await client.send(new DeleteObjectCommand({ Bucket, Key: prefix + key, IfMatch: version }), {
          abortSignal: signal,
        });
      } catch (error) {
        const status = (error as S3Failure).$metadata?.httpStatusCode;
        if (status === 404 || (error as S3Failure).name === "NoSuchKey") return;
        throw lostRace(error) ? changed(key, error) : s3Error(error, `delete ${key}`, Bucket);
      }
    },
  };
}
