import type { ParsedIdentity } from "./keys.js";

/*
 * The encryption functions the CLI needs, loading the age libraries only when called: a command
 * that never touches an encrypted backup does not pay for them.
 */

/** Parses the text of an identity file (age secret keys, or an unencrypted SSH private key). */
export async function parseIdentityFile(text: string): Promise<ParsedIdentity[]> {
  const { parseIdentities } = await import("./keys.js");
  return parseIdentities(text);
}

/** A new X25519 identity, as age-keygen makes one, and its public key. */
export async function newIdentity(): Promise<{ identity: string; recipient: string }> {
  const age = await import("age-encryption");
  const identity = await age.generateX25519Identity();
  return { identity, recipient: await age.identityToRecipient(identity) };
}
