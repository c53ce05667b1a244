import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { ApiError } from "./json-errors.js";
import { type ListQuery, listPage } from "./list-page.js";
import type {
  Bucket,
  BucketOptions,
  NewObject,
  PatchMetadata,
  Preconditions,
  SoftDeletePolicy,
  StoredObjectRecord,
} from "./records.js";

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

  /** One page of a listing (see listPage). */
  list(bucketName: string, query: ListQuery) {
    return listPage(this.bucket(bucketName).objects, query);
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
