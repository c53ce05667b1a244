import { z } from "zod";

export const s3Options = z.strictObject({
  bucket: z.string().min(1),
  /** Folder-like prefix inside the bucket, e.g. `cairn/`. */
  prefix: z.string().default(""),
  region: z.string().default("us-east-1"),
  /** For S3-compatible services: `https://s3.eu-central-003.backblazeb2.com`, `http://minio.lan:9000`. */
  endpoint: z.url().optional(),
  /** Path-style URLs (`endpoint/bucket/key`), which MinIO and most self-hosted servers need. */
  forcePathStyle: z.boolean().default(false),
  /** Without keys, the AWS SDK's usual chain (environment, ~/.aws, instance role) applies. */
  accessKeyId: z.string().optional(),
  secretAccessKey: z.string().optional(),
  /** Multipart part size in MiB (5 to 5120); memory use is about partSize × queueSize. */
  partSizeMiB: z.int().min(5).max(5120).default(8),
  /** Parts uploaded at once. */
  queueSize: z.int().min(1).max(16).default(4),
  /** Keys per listing request, at most S3's 1000 (the default). Lower only to test paging cheaply. */
  listPageSize: z.int().min(1).max(1000).default(1000),
});

export type S3Options = z.output<typeof s3Options>;
