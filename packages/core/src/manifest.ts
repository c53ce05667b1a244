import { z } from "zod";
import { ARCHIVE_FORMATS } from "./contracts/archiver.js";
import { CairnError } from "./errors.js";

/**
 * The manifest is the commit marker of a backup: written after the archive, it is what makes
 * the backup exist. It never holds a secret.
 */
export const manifestSchema = z.object({
  manifestVersion: z.literal(1),
  id: z.string(),
  job: z.string(),
  /** The entry this backup holds, for jobs that make one backup per entry. */
  entry: z.string().optional(),
  /** The newest change inside that entry when it was backed up (ISO 8601). */
  entryModified: z.string().optional(),
  createdAt: z.string(),
  host: z.string(),
  source: z.string(),
  archive: z.object({
    key: z.string(),
    format: z.enum(ARCHIVE_FORMATS),
    size: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  /**
   * Present when the archive is an age file: who can open it, by public keys only (native age
   * keys as they are, SSH keys as type and SHA-256 fingerprint). `archive.size` and `sha256` are
   * those of the stored, encrypted object; `format` is the archive's inside.
   */
  encryption: z
    .object({
      format: z.literal("age"),
      recipients: z.array(z.string()),
      passphrase: z.literal(true).optional(),
    })
    .optional(),
  entries: z.number().int().nonnegative(),
  /**
   * The per-entry index (path, type, size, mode, mtime, SHA-256 of each file), stored inside the
   * archive as its last entry, after the `entries` the source gave. Absent in backups made before
   * cairn wrote one: they are checked by the archive's SHA-256 alone.
   */
  index: z
    .object({
      path: z.string(),
      size: z.number().int().nonnegative(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      /** File entries among `entries`, so a drill can sample files without reading the index first. */
      files: z.number().int().nonnegative(),
    })
    .optional(),
  /** What the source looked like before it was archived, for `skipUnchanged` (sources that can tell). */
  fingerprint: z.string().optional(),
  sourceBytes: z.number().int().nonnegative(),
  tags: z.array(z.string()),
  engine: z.object({ name: z.literal("cairn"), version: z.string() }),
});

export type Manifest = z.infer<typeof manifestSchema>;

export function serializeManifest(manifest: Manifest): Buffer {
  return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, "utf8");
}

export function parseManifest(text: string, key: string): Manifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new CairnError("ARCHIVE_INVALID", `manifest ${key} is not valid JSON`, { cause });
  }
  const parsed = manifestSchema.safeParse(data);
  if (!parsed.success) {
    throw new CairnError(
      "ARCHIVE_INVALID",
      `manifest ${key} is not a cairn manifest: ${parsed.error.issues[0]?.message}`,
    );
  }
  return parsed.data;
}
