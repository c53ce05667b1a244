import { z } from "zod";

/** Dropbox hashes and stores in 4 MiB blocks; session appends are sized in multiples of it. */
export const BLOCK_SIZE = 4 * 1024 * 1024;
/** 8 MiB: two blocks per request; also the most one upload holds in memory to replay a failed request. */
export const DEFAULT_CHUNK_SIZE = 2 * BLOCK_SIZE;
/** Dropbox refuses a request carrying more than 150 MiB; 148 MiB is the largest multiple of 4 MiB under it. */
const MAX_CHUNK_SIZE = 37 * BLOCK_SIZE;

export const dropboxOptions = z
  .object({
    /** The app key of your Dropbox app (App Console → Settings). */
    appKey: z.string().min(1),
    /** The app secret, for an app that has one; PKCE-linked apps (`cairn auth dropbox`) do not need it. A secret. */
    appSecret: z.string().min(1).optional(),
    /** The long-lived refresh token `cairn auth dropbox` prints. A secret: never logged. */
    refreshToken: z.string().min(1),
    /**
     * Folder backups go into, e.g. `/backups`. For an App folder app it is inside
     * `Apps/<app name>/`. Default: the root (of the app folder).
     */
    path: z
      .string()
      .default("")
      .refine((p) => p === "" || /^\/[^/]/.test(p) || p === "/", {
        message: 'must start with "/", e.g. "/backups"',
      })
      .transform((p) => p.replace(/\/+$/, "")),
    /**
     * Bytes per upload request, a multiple of 4 MiB up to 148 MiB. Larger is faster on fast
     * links; it is also how much memory one upload holds. Default 8 MiB.
     */
    chunkSize: z
      .number()
      .int()
      .min(BLOCK_SIZE)
      .max(MAX_CHUNK_SIZE)
      .refine((n) => n % BLOCK_SIZE === 0, { message: "must be a multiple of 4194304 (4 MiB)" })
      .default(DEFAULT_CHUNK_SIZE),
    /** Entries per listing request, at most the API's 2000 (the default). Lower only to test paging cheaply. */
    listPageSize: z.number().int().min(1).max(2000).default(2000),
    /** Attempts after the first for a call that failed with 429, 5xx or a dropped connection. Default 6. */
    maxRetries: z.number().int().min(0).max(20).default(6),
    /** Longest wait between two attempts, in milliseconds. Default 60000. */
    maxRetryDelay: z.number().int().min(0).default(60_000),
    /**
     * For tests only: an emulator's base URL (`http://127.0.0.1:PORT`) that every Dropbox
     * host (api, content, OAuth) is sent to instead.
     */
    apiBaseUrl: z.url().optional(),
  })
  .strict();

export type DropboxOptions = z.output<typeof dropboxOptions>;
export type DropboxOptionsInput = z.input<typeof dropboxOptions>;
