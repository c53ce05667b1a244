import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { ApiError } from "./json-errors.js";

export interface SoftDeletePolicy {
  /** How long deleted objects are kept (and billed); 0 turns soft delete off. */
  retentionDurationSeconds: number;
}

export interface BucketOptions {
  /** Defaults to Cloud Storage's own default for new buckets: 7 days. */
  softDeletePolicy?: SoftDeletePolicy;
}

export interface StoredObjectRecord {
  name: string;
  bucket: string;
  generation: string;
  /** Bumped by each metadata update (objects.patch). */
  metageneration: number;
  size: number;
  contentType: string;
  storageClass: string;
  crc32c: string;
  md5Hash: string;
  metadata?: Record<string, string>;
  timeCreated: string;
  /** Where the bytes live on disk. */
  file: string;
}

export interface PatchMetadata {
  contentType?: string;
  metadata?: Record<string, unknown>;
}

interface Bucket {
  name: string;
  timeCreated: string;
  softDeletePolicy: SoftDeletePolicy;
  objects: Map<string, StoredObjectRecord>;
}

/** What a finished upload hands the store. */
export interface NewObject {
  name: string;
  size: number;
  contentType?: string;
  storageClass?: string;
  crc32c: string;
  md5Hash: string;
  metadata?: Record<string, string>;
  /** A file the store takes over (renamed into place). */
  file: string;
}

export interface Preconditions {
  ifGenerationMatch?: string;
  ifGenerationNotMatch?: string;
  ifMetagenerationMatch?: string;
}

/**
 * Buckets and objects. Object bytes are files in `dir` (so a 300 MB upload never sits in
 * memory); the small metadata records are kept in memory.
 */
export class ObjectStore {
  private readonly buckets = new Map<string, Bucket>();
  private generationCounter = 0;

  constructor(readonly dir: string) {}

  createBucket(name: string, options: BucketOptions = {}): void {
    if (this.buckets.has(name)) return;
    this.buckets.set(name, {
      name,
      timeCreated: new Date().toISOString(),
      softDeletePolicy: options.softDeletePolicy ?? { retentionDurationSeconds: 7 * 24 * 3600 },
      objects: new Map(),
    });
  }

  setSoftDeletePolicy(name: string, policy: SoftDeletePolicy): void {
    this.bucket(name).softDeletePolicy = policy;
  }

  bucket(name: string): Bucket {
    const bucket = this.buckets.get(name);
    if (!bucket) throw new ApiError(404, "The specified bucket does not exist.");
    return bucket;
  }

  bucketResource(name: string) {
    const bucket = this.bucket(name);
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

  getObject(bucketName: string, name: string): StoredObjectRecord {
    const object = this.bucket(bucketName).objects.get(name);
    if (!object) throw new ApiError(404, `No such object: ${bucketName}/${name}`);
    return object;
  }

  /** Throws 412 when the request's generation preconditions do not hold. */
  checkPreconditions(bucketName: string, name: string, pre: Preconditions): void {
    const current = this.bucket(bucketName).objects.get(name)?.generation ?? "0";
    const failed =
      (pre.ifGenerationMatch !== undefined && pre.ifGenerationMatch !== current) ||
      (pre.ifGenerationNotMatch !== undefined && pre.ifGenerationNotMatch === current) ||
      (pre.ifMetagenerationMatch !== undefined &&
        pre.ifMetagenerationMatch !== String(this.bucket(bucketName).objects.get(name)?.metageneration ?? 0));
    if (failed) throw new ApiError(412, "At least one of the pre-conditions you specified did not hold.");
  }

  async insert(bucketName: string, object: NewObject, pre: Preconditions): Promise<StoredObjectRecord> {
    const bucket = this.bucket(bucketName);
    this.checkPreconditions(bucketName, object.name, pre);
    const file = join(this.dir, `object-${randomUUID()}`);
    await rename(object.file, file);
    // Checked again with nothing awaited before the write: GCS applies a precondition and the
    // write as one step, so of two racing `ifGenerationMatch=0` inserts only one may succeed.
    try {
      this.checkPreconditions(bucketName, object.name, pre);
    } catch (error) {
      await rm(file, { force: true });
      throw error;
    }
    const previous = bucket.objects.get(object.name);
    const record: StoredObjectRecord = {
      name: object.name,
      bucket: bucketName,
      generation: this.nextGeneration(),
      metageneration: 1,
      size: object.size,
      contentType: object.contentType ?? "application/octet-stream",
      storageClass: object.storageClass ?? "STANDARD",
      crc32c: object.crc32c,
      md5Hash: object.md5Hash,
      ...(object.metadata ? { metadata: object.metadata } : {}),
      timeCreated: new Date().toISOString(),
      file,
    };
    bucket.objects.set(object.name, record);
    if (previous) await rm(previous.file, { force: true });
    return record;
  }

  /** objects.patch: custom metadata keys set to null are removed, others merged. */
  patch(bucketName: string, name: string, changes: PatchMetadata, pre: Preconditions): StoredObjectRecord {
    const object = this.getObject(bucketName, name);
    this.checkPreconditions(bucketName, name, pre);
    if (changes.contentType) object.contentType = changes.contentType;
    if (changes.metadata) {
      const merged: Record<string, string> = { ...object.metadata };
      for (const [key, value] of Object.entries(changes.metadata)) {
        if (value === null) delete merged[key];
        else merged[key] = String(value);
      }
      object.metadata = merged;
    }
    object.metageneration += 1;
    return object;
  }

  async delete(bucketName: string, name: string, pre: Preconditions): Promise<void> {
    const object = this.getObject(bucketName, name);
    this.checkPreconditions(bucketName, name, pre);
    this.bucket(bucketName).objects.delete(name);
    await rm(object.file, { force: true });
  }

  /** One page of a listing, in name order as Cloud Storage returns it. */
  list(
    bucketName: string,
    query: { prefix: string; delimiter?: string; maxResults: number; pageToken?: string },
  ) {
    const bucket = this.bucket(bucketName);
    const after = query.pageToken ? Buffer.from(query.pageToken, "base64url").toString("utf8") : undefined;
    const names = [...bucket.objects.keys()].filter((n) => n.startsWith(query.prefix)).sort();
    const items: StoredObjectRecord[] = [];
    const prefixes = new Set<string>();
    let last: string | undefined;
    let more = false;
    for (const name of names) {
      const entry = groupOf(name, query.prefix, query.delimiter) ?? name;
      if (after !== undefined && entry <= after) continue;
      if (items.length + prefixes.size >= query.maxResults) {
        more = true;
        break;
      }
      if (entry !== name) {
        if (prefixes.has(entry)) continue;
        prefixes.add(entry);
      } else {
        items.push(bucket.objects.get(name) as StoredObjectRecord);
      }
      last = entry;
    }
    const nextPageToken =
      more && last !== undefined ? Buffer.from(last, "utf8").toString("base64url") : undefined;
    return { items, prefixes: [...prefixes], nextPageToken };
  }

  /** Removes every object file; the store is unusable afterwards. */
  destroy(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private nextGeneration(): string {
    this.generationCounter += 1;
    return String(Date.now() * 1000 + (this.generationCounter % 1000));
  }
}

function groupOf(name: string, prefix: string, delimiter: string | undefined): string | undefined {
  if (!delimiter) return undefined;
  const at = name.indexOf(delimiter, prefix.length);
  return at === -1 ? undefined : name.slice(0, at + delimiter.length);
}

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
