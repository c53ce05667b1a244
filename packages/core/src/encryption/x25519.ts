import { createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, type KeyObject } from "node:crypto";
import { bech32 } from "@scure/base";
import { base64NoPad, type HeaderStanza, type StanzaRecipient, sealFileKey } from "./header.js";

// age's native "X25519" stanza (age-encryption.org/v1): an ephemeral X25519 share, and the file
// key sealed with ChaCha20-Poly1305 under HKDF-SHA256 of the shared secret, salted with both
// public keys. On node:crypto's X25519 (OpenSSL), so encrypting loads no curve library.

const X25519_LABEL = "age-encryption.org/v1/X25519";
const KEY_SIZE = 32;

function publicKeyObject(raw: Uint8Array): KeyObject {
  const x = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("base64url");
  return createPublicKey({ key: { kty: "OKP", crv: "X25519", x }, format: "jwk" });
}

function rawPublicKey(key: KeyObject): Buffer {
  const { x } = key.export({ format: "jwk" });
  return Buffer.from(x ?? "", "base64url");
}

/** The 32-byte public key an `age1...` string encodes; throws if it is not one. */
export function decodeAgeRecipient(text: string): Uint8Array {
  let decoded: { prefix: string; bytes: Uint8Array };
  try {
    decoded = bech32.decodeToBytes(text);
  } catch (error) {
    throw new Error(`not a valid age public key: ${(error as Error).message}`);
  }
  if (!text.startsWith("age1") || decoded.prefix !== "age" || decoded.bytes.length !== KEY_SIZE) {
    throw new Error("not a valid age public key: expected age1 and 32 bytes in bech32");
  }
  return decoded.bytes;
}

/** An `age1...` public key, as `age -r` takes it. */
export class X25519Recipient implements StanzaRecipient {
  readonly #raw: Uint8Array;
  readonly #key: KeyObject;

  constructor(text: string) {
    this.#raw = decodeAgeRecipient(text);
    this.#key = publicKeyObject(this.#raw);
  }

  wrapFileKey(fileKey: Uint8Array): HeaderStanza[] {
    const ephemeral = generateKeyPairSync("x25519");
    const share = rawPublicKey(ephemeral.publicKey);
    // A low-order public key makes the secret all zeros, known to anyone: age refuses it, and so
    // does OpenSSL (it fails the derivation).
    let shared: Buffer | undefined;
    try {
      shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: this.#key });
    } catch {}
    if (!shared || shared.every((byte) => byte === 0)) {
      throw new Error("this age public key is a low-order point, not a usable X25519 key");
    }
    const salt = Buffer.concat([share, this.#raw]);
    const key = Buffer.from(hkdfSync("sha256", shared, salt, X25519_LABEL, KEY_SIZE));
    return [{ args: ["X25519", base64NoPad(share)], body: sealFileKey(key, fileKey) }];
  }
}
