import type { Bucket, StoredObjectRecord } from "./records.js";

// Buckets and objects as Cloud Storage's JSON API returns them.

/** A bucket resource (buckets.get). */
export function bucketResource(bucket: Bucket) {
  const { name } = bucket;
  const seconds = bucket.softDeletePolicy.retentionDurationSeconds;
  return {
    kind: "storage#bucket",
    id: name,
    name,
    projectNumber: "0",
    location: "US",
    storageClass: "STANDARD",
    timeCreated: bucket.timeCreated,
    updated: bucket.timeCreated,
    metageneration: "1",
    softDeletePolicy: {
      retentionDurationSeconds: String(seconds),
      ...(seconds > 0 ? { effectiveTime: bucket.timeCreated } : {}),
    },
  };
}

/** An object resource (objects.get, insert, list items). */
export function objectResource(object: StoredObjectRecord, baseUrl: string) {
  const encoded = encodeURIComponent(object.name);
  return {
    kind: "storage#object",
    id: `${object.bucket}/${object.name}/${object.generation}`,
    selfLink: `${baseUrl}/storage/v1/b/${object.bucket}/o/${encoded}`,
    mediaLink: `${baseUrl}/download/storage/v1/b/${object.bucket}/o/${encoded}?generation=${object.generation}&alt=media`,
    name: object.name,
    bucket: object.bucket,
    generation: object.generation,
    metageneration: String(object.metageneration),
    contentType: object.contentType,
    storageClass: object.storageClass,
    size: String(object.size),
    md5Hash: object.md5Hash,
    crc32c: object.crc32c,
    etag: Buffer.from(object.generation).toString("base64"),
    timeCreated: object.timeCreated,
    updated: object.timeCreated,
    timeStorageClassUpdated: object.timeCreated,
    ...(object.metadata ? { metadata: object.metadata } : {}),
  };
}
