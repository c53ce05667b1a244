// The emulator's records: buckets and objects as the store keeps them, and what requests ask of them.

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

export interface Bucket {
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
