import { z } from "zod";

/** 8 MiB: Google's recommended minimum chunk for resumable uploads, and the most one upload holds in memory. */
export const DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024;
const CHUNK_QUANTUM = 256 * 1024;

export const gcsOptions = z
  .object({
    /** The bucket backups go to. It must exist: cairn never creates buckets. */
    bucket: z.string().min(3).max(222),
    /** Folder-like prefix inside the bucket, e.g. `cairn/`; a trailing `/` is added when missing. Default: the bucket's root. */
    prefix: z.string().default(""),
    /** Path to a service account key (JSON), relative to the config file. Default: Application Default Credentials. */
    keyFile: z.string().min(1).optional(),
    /** A service account key as JSON text (e.g. `${env:GCS_KEY}`) or an object. A secret: never logged. */
    credentials: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional(),
    /** Project for requests that need one; usually read from the credentials. */
    projectId: z.string().min(1).optional(),
    /** Storage class of new objects (STANDARD, NEARLINE, COLDLINE, ARCHIVE). Default: the bucket's default class. */
    storageClass: z.enum(["STANDARD", "NEARLINE", "COLDLINE", "ARCHIVE"]).optional(),
    /** Another endpoint: an emulator (`http://127.0.0.1:4443`) or a private endpoint. */
    apiEndpoint: z.url().optional(),
    /**
     * Bytes per resumable-upload request, a multiple of 256 KiB. Larger is faster on fast
     * links; it is also how much memory one upload holds to replay a failed request. Default 8 MiB.
     */
    chunkSize: z
      .number()
      .int()
      .min(CHUNK_QUANTUM)
      .refine((n) => n % CHUNK_QUANTUM === 0, { message: "must be a multiple of 262144 (256 KiB)" })
      .default(DEFAULT_CHUNK_SIZE),
    /** Objects per listing request, at most the API's 1000 (the default). Lower only to test paging cheaply. */
    listPageSize: z.number().int().min(1).max(1000).default(1000),
    /** Attempts after the first for a request that failed with 429, 5xx or a dropped connection. Default 5. */
    maxRetries: z.number().int().min(0).max(20).default(5),
  })
  .strict()
  .refine((o) => !(o.keyFile && o.credentials), {
    message: "give either keyFile or credentials, not both",
    path: ["credentials"],
  });

export type GcsOptions = z.output<typeof gcsOptions>;

/** `cairn` → `cairn/`, `/a/b/` → `a/b/`, `` → ``. */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, "");
  return trimmed === "" || trimmed.endsWith("/") ? trimmed : `${trimmed}/`;
}
