import type { Readable } from "node:stream";
import type { SecretSet } from "../config/secrets.js";
import type { EncryptionKeys } from "./encrypt.js";
import type { ParsedIdentity } from "./keys.js";
import type { EncryptionConfig } from "./schema.js";

/** A job's encryption, checked and ready: keys to encrypt with, labels for the manifest. */
export interface ConfiguredEncryption {
  keys: EncryptionKeys;
  /** Encrypts one archive stream for these keys. */
  encrypt(plain: Readable): Readable;
  /** What the manifest records: public keys and fingerprints only. */
  recipients: string[];
  /** For restore and verify, from `identities` (and the passphrase, in passphrase mode). */
  identities: ParsedIdentity[];
  passphrases: string[];
}

/**
 * Checks a job's `encryption` and parses its keys. Problems are reported with their key path
 * and never quote a secret. Secrets written into the config itself are added to `secrets`.
 */
export async function configureEncryption(
  config: EncryptionConfig,
  where: (...path: PropertyKey[]) => string,
  problems: string[],
  secrets: SecretSet,
): Promise<ConfiguredEncryption | undefined> {
  // The age libraries load only for jobs that encrypt: every other command stays as light as before.
  const { parseIdentities, parseRecipients } = await import("./keys.js");
  const { encryptStream } = await import("./encrypt.js");
  const before = problems.length;
  if (config.passphrase !== undefined) secrets.add(config.passphrase);
  const recipients = [];
  for (const [i, entry] of (config.recipients ?? []).entries()) {
    try {
      recipients.push(...(await parseRecipients(entry)));
    } catch (error) {
      problems.push(`${where("recipients", i)}: ${(error as Error).message}`);
    }
  }
  const identities: ParsedIdentity[] = [];
  for (const [i, entry] of (config.identities ?? []).entries()) {
    secrets.add(entry);
    for (const line of entry.split(/\r?\n/)) if (line.startsWith("AGE-SECRET-KEY-")) secrets.add(line.trim());
    try {
      identities.push(...(await parseIdentities(entry)));
    } catch (error) {
      problems.push(`${where("identities", i)}: ${(error as Error).message}`);
    }
  }
  if (problems.length > before) return undefined;
  const keys: EncryptionKeys =
    config.passphrase !== undefined ? { passphrase: config.passphrase } : { recipients };
  return {
    keys,
    encrypt: (plain) => encryptStream(plain, keys),
    recipients: recipients.map((r) => r.label),
    identities,
    passphrases: config.passphrase !== undefined ? [config.passphrase] : [],
  };
}
