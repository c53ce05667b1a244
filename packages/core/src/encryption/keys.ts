import type { Identity } from "age-encryption";
import type { StanzaRecipient } from "./header.js";
import { X25519Recipient } from "./x25519.js";

/** sshpk and the SSH stanzas load only for SSH keys (about 10 MiB that native age keys do not need). */
const ssh = () => import("./ssh-keys.js");

/** A public key to encrypt to, and how the manifest and messages name it (never a secret). */
export interface ParsedRecipient {
  recipient: StanzaRecipient;
  /** Native age keys as they are (`age1...`); SSH keys as `ssh-ed25519 SHA256:...`. */
  label: string;
}

/** A private key that may open a backup, and the public label of the key it opens. */
export interface ParsedIdentity {
  identity: string | Identity;
  label: string;
}

/**
 * The lines of a recipients list or an identity file: a config value read with `${file:...}`
 * may hold several keys, one a line, with `#` comments as age-keygen writes them.
 */
function keyLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

/** Runs a library's parser, saying what was expected when it fails (its own words are terse). */
function explained<T>(what: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new Error(`not a valid ${what}: ${(error as Error).message}`);
  }
}

/** Parses one recipients entry (one or more public keys); throws a message naming what is wrong. */
export async function parseRecipients(text: string): Promise<ParsedRecipient[]> {
  const lines = keyLines(text);
  if (lines.length === 0) throw new Error("no public key in this entry");
  const parsed: ParsedRecipient[] = [];
  for (const line of lines) {
    if (line.startsWith("ssh-")) {
      const { parseSshRecipient } = await ssh();
      const recipient = explained("SSH public key", () => parseSshRecipient(line));
      parsed.push({ recipient, label: `${recipient.key.type} ${recipient.key.fingerprint}` });
      continue;
    }
    if (!line.startsWith("age1")) {
      throw new Error(
        `"${line.slice(0, 24)}" is not a public key: expected an age key (age1...) or an SSH key (ssh-ed25519 ... or ssh-rsa ...)`,
      );
    }
    parsed.push({ recipient: new X25519Recipient(line), label: line });
  }
  return parsed;
}

/**
 * Parses an identity file: age secret keys, one a line (as age-keygen and `cairn keygen` write
 * them), or one unencrypted SSH private key.
 */
export async function parseIdentities(text: string): Promise<ParsedIdentity[]> {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    const identity = (await ssh()).parseSshIdentity(text);
    return [{ identity, label: `${identity.key.type} ${identity.key.fingerprint}` }];
  }
  if (text.startsWith("age-encryption.org/") || text.includes("BEGIN AGE ENCRYPTED FILE")) {
    throw new Error("this identity file is itself encrypted; decrypt it with `age -d` first");
  }
  const lines = keyLines(text);
  if (lines.length === 0) throw new Error("no secret key in this identity file");
  // Only restoring, verifying and drilling read identities: the package loads for them alone.
  const { Decrypter, identityToRecipient } = await import("age-encryption");
  const parsed: ParsedIdentity[] = [];
  for (const line of lines) {
    if (!line.startsWith("AGE-SECRET-KEY-")) {
      throw new Error("expected age secret keys (AGE-SECRET-KEY-1...) or an SSH private key");
    }
    new Decrypter().addIdentity(line);
    parsed.push({ identity: line, label: await identityToRecipient(line) });
  }
  return parsed;
}
