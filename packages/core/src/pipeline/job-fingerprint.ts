import { createHash } from "node:crypto";
import type { ConfiguredJob } from "../config/load.js";
import { encryptionManifest } from "../encryption/layer.js";
import type { Manifest } from "../manifest.js";
import type { OpenDestination } from "./open-destinations.js";

/**
 * The fingerprint a manifest records for `skipUnchanged`: the source's own digest together with
 * the job's settings that shape the archive (format, level, tags, the engine that writes it), so
 * a changed setting never passes for an unchanged source. Encryption, which may differ from one
 * destination to the next, is compared from each manifest's own `encryption` (stillCurrent).
 *
 * It is a SHA-256, and tells nothing of the names or sizes it was made from; of an encrypted
 * backup it reveals only whether two backups were made from the same state.
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
    tags: job.tags,
    engine: engineVersion,
  };
  return createHash("sha256").update(JSON.stringify(shape)).digest("hex");
}

/**
 * Whether a backup at `open` holds what this run would store there: the same fingerprint, and
 * encrypted for the same keys (the job's, or that destination's own) or, like the run, not at all.
 * A changed passphrase cannot be told from the manifest (which never holds a hash of it), so only
 * switching to or from a passphrase counts.
 */
export function stillCurrent(
  manifest: Manifest,
  fingerprint: string,
  job: ConfiguredJob,
  open: OpenDestination,
): boolean {
  // A manifest from before fingerprints, or of another state, never matches.
  if (manifest.fingerprint !== fingerprint) return false;
  const encryption = job.encryption ?? open.configured.encryption;
  const expected = encryption ? encryptionManifest(encryption).encryption : undefined;
  return JSON.stringify(manifest.encryption ?? null) === JSON.stringify(expected ?? null);
}
