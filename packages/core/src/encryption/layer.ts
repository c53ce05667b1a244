import type { Manifest } from "../manifest.js";
import { ENCRYPTED_SUFFIX } from "../naming.js";
import type { UploadLayer } from "../pipeline/upload-layers.js";
import type { ConfiguredEncryption } from "./config.js";

/**
 * Encryption as the last step before the destinations: every destination gets the same age
 * file, and the manifest's size and SHA-256 are of that file, as stored.
 */
export function encryptionLayer(encryption: ConfiguredEncryption): UploadLayer {
  return {
    bytes: (archive) => encryption.encrypt(archive),
    extension: ENCRYPTED_SUFFIX,
    manifest: () => encryptionManifest(encryption),
  };
}

/** What the manifest records of an encrypted archive: public keys and fingerprints, never a secret. */
export function encryptionManifest(encryption: ConfiguredEncryption): Pick<Manifest, "encryption"> {
  return {
    encryption: {
      format: "age",
      recipients: encryption.recipients,
      ...(encryption.keys.passphrase === undefined ? {} : { passphrase: true as const }),
    },
  };
}
