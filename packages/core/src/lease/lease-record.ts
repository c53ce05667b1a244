import { createHash } from "node:crypto";
import { z } from "zod";

/** What a lease object holds: who has the job's prefix, since when, and until when at most. */
export const leaseRecordSchema = z.object({
  lease: z.literal(1),
  job: z.string(),
  host: z.string(),
  pid: z.number().int(),
  /** Unique per taking, so a holder can tell its own lease from a newer one of the same host and pid. */
  token: z.string(),
  startedAt: z.string(),
  renewedAt: z.string(),
  /** Past this, by the reader's clock, the holder is taken to be gone. */
  expiresAt: z.string(),
});

export type LeaseRecord = z.infer<typeof leaseRecordSchema>;

export function encodeLease(record: LeaseRecord): Buffer {
  return Buffer.from(`${JSON.stringify(record, null, 2)}\n`, "utf8");
}

/** undefined for anything that is not a whole lease record (one being written, or garbage). */
export function parseLease(body: Buffer): LeaseRecord | undefined {
  try {
    const parsed = leaseRecordSchema.safeParse(JSON.parse(body.toString("utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** "web2 (pid 4242) since 2026-11-22T03:00:00.000Z, until 2026-11-22T03:02:00.000Z" */
export function describeHolder(record: LeaseRecord | undefined): string {
  if (!record) return "an unreadable lease (being written, or not cairn's)";
  return `${record.host} (pid ${record.pid}) since ${record.startedAt}, until ${record.expiresAt} unless renewed`;
}

/**
 * A version for stores that keep none of their own (a folder, an SFTP server): a hash of the
 * content. Every lease write carries a new renewedAt, so two writes never share a version.
 */
export function contentVersion(body: Buffer): string {
  return createHash("sha256").update(body).digest("hex").slice(0, 32);
}
