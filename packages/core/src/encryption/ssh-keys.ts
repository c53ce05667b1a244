import { createPrivateKey, createPublicKey } from "node:crypto";
import type { Identity } from "age-encryption";
import sshpk from "sshpk";
import type { StanzaRecipient } from "./header.js";
import { SshEd25519Identity, SshEd25519Recipient } from "./ssh-ed25519.js";
import { describeSshKey, type SshPublicKey } from "./ssh-public-key.js";
import { SshRsaIdentity, SshRsaRecipient } from "./ssh-rsa.js";

export type { SshPublicKey } from "./ssh-public-key.js";

/**
 * age's SSH recipient types (age-encryption.org/v1 "ssh-ed25519" and "ssh-rsa", as the age CLI
 * and rage implement them): recipients for cairn's header writer (header.ts), identities on
 * `age-encryption`'s public Identity interface, which exists for exactly this: the package itself
 * implements only native age keys. Key parsing is
 * sshpk's; the primitives are @noble/curves' (the Ed25519 to X25519 map, X25519, the same library
 * `age-encryption` uses) and node:crypto's (HKDF, ChaCha20-Poly1305, RSA-OAEP). What is written
 * here is the stanza's recipe from the spec (ssh-ed25519.ts, ssh-rsa.ts), and the tests hold it
 * to the age CLI both ways. This file turns SSH key text into those recipients and identities.
 */

/** sshpk names a key's parts by letter (RFC 4253's `A` for an Ed25519 point, `k` for its seed); its types do not. */
function parts(key: sshpk.Key | sshpk.PrivateKey): Record<string, { data: Buffer } | undefined> {
  return key.part as unknown as Record<string, { data: Buffer } | undefined>;
}

export type SshRecipient = StanzaRecipient & { key: SshPublicKey };
export type SshIdentity = Identity & { key: SshPublicKey };

/** An `authorized_keys` line (`ssh-ed25519 AAAA... comment` or `ssh-rsa ...`) as an age recipient. */
export function parseSshRecipient(line: string): SshRecipient {
  const key = sshpk.parseKey(line, "ssh");
  const described = describeSshKey(key);
  if (key.type === "ed25519") {
    const edwards = parts(key).A?.data;
    if (!edwards) throw new Error("the key has no Ed25519 point");
    return new SshEd25519Recipient(described, edwards);
  }
  if (key.type === "rsa") {
    if (key.size < 2048) throw new Error(`RSA keys need 2048 bits or more; this one has ${key.size}`);
    return new SshRsaRecipient(described, createPublicKey(key.toString("pkcs8")));
  }
  throw new Error(`age cannot encrypt to ${key.type} SSH keys; use an ssh-ed25519 or ssh-rsa key`);
}

/** An unencrypted OpenSSH (or PEM) private key as an age identity. */
export function parseSshIdentity(text: string): SshIdentity {
  let key: sshpk.PrivateKey;
  try {
    key = sshpk.parsePrivateKey(text, "auto");
  } catch (error) {
    if ((error as Error).name === "KeyEncryptedError") {
      throw new Error(
        "the SSH private key is protected by a passphrase, which cairn cannot ask for; decrypt a copy with `ssh-keygen -p -N '' -f COPY` kept as safe as the key, or use an age identity",
      );
    }
    throw error;
  }
  const described = describeSshKey(key.toPublic());
  if (key.type === "ed25519") {
    const seed = parts(key).k?.data;
    if (!seed || seed.length < 32) throw new Error("the key has no Ed25519 seed");
    return new SshEd25519Identity(described, seed.subarray(0, 32));
  }
  if (key.type === "rsa") return new SshRsaIdentity(described, createPrivateKey(key.toString("pkcs8")));
  throw new Error(`age cannot decrypt with ${key.type} SSH keys; use an ssh-ed25519 or ssh-rsa key`);
}
