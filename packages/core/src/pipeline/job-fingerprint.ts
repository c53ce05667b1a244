import { createHash } from "node:crypto";
import type { ConfiguredJob } from "../config/load.js";

/**
 * The fingerprint a manifest records for `skipUnchanged`: the source's own digest together with
 * everything else that shapes the stored archive (format, level, encryption recipients, tags, the
 * engine that writes it), so a changed setting never passes for an unchanged source.
 *
 * It is a SHA-256, and tells nothing of the names or sizes it was made from; of an encrypted
 * backup it reveals only whether two backups were made from the same state. The passphrase of a
 * passphrase-encrypted job is left out (a hash of it in every manifest could be guessed at), so
 * changing only the passphrase does not by itself make the next run upload.
 */
export function jobFingerprint(
  job: ConfiguredJob,
  sourceDescription: string,
  sourceDigest: string,
  engineVersion: string,
): string {
  const shape = {
    scheme: 1,
    source: sourceDescription,
    digest: sourceDigest,
    archive: { format: job.archive.format, level: job.archive.level ?? null },
    encryption: job.encryption
      ? { recipients: job.encryption.recipients, passphrase: job.encryption.keys.passphrase !== undefined }
      : null,
    tags: job.tags,
    engine: engineVersion,
  };
  return createHash("sha256").update(JSON.stringify(shape)).digest("hex");
}
