import { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import type { Manifest } from "../manifest.js";
import { noIdentityError } from "./errors.js";
import type { ParsedIdentity } from "./keys.js";

/** The private keys and passphrases a restore or verify may try, from `--identity` and the config. */
export interface DecryptionKeys {
  identities: ParsedIdentity[];
  passphrases: string[];
}

export interface OpenedArchive {
  /** The archive's plaintext (the stored bytes themselves when it is not encrypted). */
  plain: Readable;
  /** Reads what the archive reader left and resolves once the last chunk is authenticated. */
  drained(): Promise<void>;
}

export function isEncrypted(manifest: Manifest): boolean {
  return manifest.encryption !== undefined;
}

/**
 * Whether a stored archive can be opened with these keys, as far as its manifest tells: a plain
 * one always; an encrypted one when a key is one of those it was made for (identities match by
 * their public key or fingerprint), or when it was made for a passphrase and one is given.
 */
export function keysFit(manifest: Manifest, keys: DecryptionKeys | undefined): boolean {
  const encryption = manifest.encryption;
  if (!encryption) return true;
  if (encryption.passphrase) return (keys?.passphrases.length ?? 0) > 0;
  return (keys?.identities ?? []).some((identity) => encryption.recipients.includes(identity.label));
}

/**
 * Puts decryption between a stored archive and the archive reader when the manifest says it is
 * an age file. The file key is unwrapped before this resolves: with no key that fits, it throws
 * DECRYPT_NO_IDENTITY before a single entry is read.
 */
export async function openStoredArchive(
  stored: Readable,
  manifest: Manifest,
  keys: DecryptionKeys | undefined,
): Promise<OpenedArchive> {
  if (!manifest.encryption) return { plain: stored, drained: async () => undefined };
  const what = `archive ${manifest.archive.key}`;
  const madeFor = manifest.encryption.passphrase ? ["a passphrase"] : manifest.encryption.recipients;
  if (!keys || keys.identities.length + keys.passphrases.length === 0) {
    stored.destroy();
    throw noIdentityError(what, [], madeFor);
  }
  const { AgeDecryptor } = await import("./decrypt.js");
  const decryptor = new AgeDecryptor({ ...keys, what, madeFor });
  stored.on("error", (error) => decryptor.destroy(error));
  // Its errors reach the caller through `ready`, the archive reader or `drained`.
  decryptor.on("error", () => undefined);
  stored.pipe(decryptor);
  try {
    await decryptor.ready;
  } catch (error) {
    stored.destroy();
    decryptor.destroy();
    throw error;
  }
  // Pulled only once the reader reads: a failure that comes before the reader listens (a small
  // file is decrypted whole while the caller prepares) still reaches it, instead of being lost.
  const plain = Readable.from(decryptor, { objectMode: false });
  return {
    plain,
    async drained() {
      if (!plain.readableEnded) plain.resume();
      await finished(plain);
      await finished(decryptor);
    },
  };
}
