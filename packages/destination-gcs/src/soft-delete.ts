import type { Bucket } from "@google-cloud/storage";

export interface SoftDeleteInfo {
  /** Whether deleted objects are kept (and billed) for a while. */
  enabled: boolean;
  /** How long, in seconds; 0 when off. */
  retentionSeconds: number;
}

/** Reads the bucket's soft delete policy (needs `storage.buckets.get`). */
export async function readSoftDelete(bucket: Bucket): Promise<SoftDeleteInfo> {
  const [metadata] = await bucket.getMetadata();
  const seconds = Number(metadata.softDeletePolicy?.retentionDurationSeconds ?? 0);
  return { enabled: seconds > 0, retentionSeconds: Number.isFinite(seconds) ? seconds : 0 };
}

/** What `cairn prune` tells the user after deleting at a bucket with soft delete on. */
export function describeSoftDelete(bucketName: string, info: SoftDeleteInfo): string | undefined {
  if (!info.enabled) return undefined;
  return (
    `gs://${bucketName} has soft delete on: deleted backups stay restorable, and billed, for ` +
    `${formatDuration(info.retentionSeconds)} before the space is freed. ` +
    "To free it sooner, shorten or turn off the bucket's soft delete policy."
  );
}

function formatDuration(seconds: number): string {
  const days = seconds / 86400;
  if (Number.isInteger(days)) return days === 1 ? "1 day" : `${days} days`;
  const hours = seconds / 3600;
  if (Number.isInteger(hours)) return hours === 1 ? "1 hour" : `${hours} hours`;
  return `${seconds} seconds`;
}
