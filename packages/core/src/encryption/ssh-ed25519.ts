import { createDecipheriv, hkdfSync } from "node:crypto";
import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import type { Identity, Stanza } from "age-encryption";
import { base64NoPad, type HeaderStanza, type StanzaRecipient, sealFileKey } from "./header.js";
import { type SshPublicKey, tag } from "./ssh-public-key.js";

// age's "ssh-ed25519" stanza (age-encryption.org/v1): X25519 with the SSH key mapped to
// Montgomery form and tweaked by the key itself, the file key sealed with ChaCha20-Poly1305.

const ED25519_LABEL = "age-encryption.org/v1/ssh-ed25519";

function unwrapKey(key: Uint8Array, body: Uint8Array): Uint8Array | null {
  if (body.length < 16) return null;
  const d = createDecipheriv("chacha20-poly1305", key, Buffer.alloc(12), { authTagLength: 16 });
  d.setAuthTag(body.subarray(body.length - 16));
  try {
    return Buffer.concat([d.update(body.subarray(0, body.length - 16)), d.final()]);
  } catch {
    return null;
  }
}

/** The X25519 secret, tweaked by the SSH key, that binds the stanza to that one key. */
function ed25519Shared(secret: Uint8Array, share: Uint8Array, wire: Buffer): Uint8Array {
  const tweak = new Uint8Array(hkdfSync("sha256", new Uint8Array(0), wire, ED25519_LABEL, 32));
  return x25519.getSharedSecret(tweak, x25519.getSharedSecret(secret, share));
}

function ed25519WrappingKey(shared: Uint8Array, ephemeral: Uint8Array, recipient: Uint8Array): Uint8Array {
  const salt = Buffer.concat([ephemeral, recipient]);
  return new Uint8Array(hkdfSync("sha256", shared, salt, ED25519_LABEL, 32));
}

export class SshEd25519Recipient implements StanzaRecipient {
  readonly #montgomery: Uint8Array;

  constructor(
    readonly key: SshPublicKey,
    edwards: Uint8Array,
  ) {
    this.#montgomery = ed25519.utils.toMontgomery(edwards);
  }

  wrapFileKey(fileKey: Uint8Array): HeaderStanza[] {
    const ephemeral = x25519.utils.randomSecretKey();
    const share = x25519.getPublicKey(ephemeral);
    const shared = ed25519Shared(ephemeral, this.#montgomery, this.key.wire);
    const body = sealFileKey(ed25519WrappingKey(shared, share, this.#montgomery), fileKey);
    return [{ args: ["ssh-ed25519", tag(this.key.wire), base64NoPad(share)], body }];
  }
}

export class SshEd25519Identity implements Identity {
  readonly #secret: Uint8Array;
  readonly #montgomery: Uint8Array;

  constructor(
    readonly key: SshPublicKey,
    seed: Uint8Array,
  ) {
    this.#secret = ed25519.utils.toMontgomerySecret(seed);
    this.#montgomery = x25519.getPublicKey(this.#secret);
  }

  unwrapFileKey(stanzas: Stanza[]): Uint8Array | null {
    for (const s of stanzas) {
      if (s.args[0] !== "ssh-ed25519" || s.args[1] !== tag(this.key.wire)) continue;
      const share = Buffer.from(s.args[2] ?? "", "base64");
      if (s.args.length !== 3 || share.length !== 32) throw new Error("malformed ssh-ed25519 stanza");
      const shared = ed25519Shared(this.#secret, share, this.key.wire);
      const fileKey = unwrapKey(ed25519WrappingKey(shared, share, this.#montgomery), s.body);
      if (fileKey) return fileKey;
    }
    return null;
  }
}
