import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  hkdfSync,
  type KeyObject,
  privateDecrypt,
  publicEncrypt,
} from "node:crypto";
import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import { type Identity, type Recipient, Stanza } from "age-encryption";
import sshpk from "sshpk";

/**
 * age's SSH recipient types (age-encryption.org/v1 "ssh-ed25519" and "ssh-rsa", as the age CLI
 * and rage implement them), on `age-encryption`'s public Recipient and Identity interfaces, which
 * exist for exactly this: the package itself implements only native age keys. Key parsing is
 * sshpk's; the primitives are @noble/curves' (the Ed25519 to X25519 map, X25519, the same library
 * `age-encryption` uses) and node:crypto's (HKDF, ChaCha20-Poly1305, RSA-OAEP). What is written
 * here is the stanza's recipe from the spec, and the tests hold it to the age CLI both ways.
 */
const ED25519_LABEL = "age-encryption.org/v1/ssh-ed25519";
const RSA_LABEL = Buffer.from("age-encryption.org/v1/ssh-rsa");

export interface SshPublicKey {
  type: "ssh-ed25519" | "ssh-rsa";
  /** `SHA256:...`, as `ssh-keygen -l` prints it. */
  fingerprint: string;
  /** The key in SSH's wire format (RFC 4253), which the stanza's tag and tweak are computed from. */
  wire: Buffer;
}

/** age's unpadded standard base64. */
function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64").replace(/=+$/, "");
}

/** The stanza's first argument: the first four bytes of the wire-format key's SHA-256. */
function tag(wire: Buffer): string {
  return b64(createHash("sha256").update(wire).digest().subarray(0, 4));
}

function describe(key: sshpk.Key): SshPublicKey {
  return {
    type: key.type === "ed25519" ? "ssh-ed25519" : "ssh-rsa",
    fingerprint: key.fingerprint("sha256").toString(),
    wire: key.toBuffer("rfc4253", {}),
  };
}

function wrapKey(key: Uint8Array, fileKey: Uint8Array): Buffer {
  const c = createCipheriv("chacha20-poly1305", key, Buffer.alloc(12), { authTagLength: 16 });
  return Buffer.concat([c.update(fileKey), c.final(), c.getAuthTag()]);
}

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

class SshEd25519Recipient implements Recipient {
  readonly #montgomery: Uint8Array;

  constructor(
    readonly key: SshPublicKey,
    edwards: Uint8Array,
  ) {
    this.#montgomery = ed25519.utils.toMontgomery(edwards);
  }

  wrapFileKey(fileKey: Uint8Array): Stanza[] {
    const ephemeral = x25519.utils.randomSecretKey();
    const share = x25519.getPublicKey(ephemeral);
    const shared = ed25519Shared(ephemeral, this.#montgomery, this.key.wire);
    const body = wrapKey(ed25519WrappingKey(shared, share, this.#montgomery), fileKey);
    return [new Stanza(["ssh-ed25519", tag(this.key.wire), b64(share)], body)];
  }
}

class SshEd25519Identity implements Identity {
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

class SshRsaRecipient implements Recipient {
  constructor(
    readonly key: SshPublicKey,
    private readonly publicKey: KeyObject,
  ) {}

  wrapFileKey(fileKey: Uint8Array): Stanza[] {
    const body = publicEncrypt(
      {
        key: this.publicKey,
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: "sha256",
        oaepLabel: RSA_LABEL,
      },
      fileKey,
    );
    return [new Stanza(["ssh-rsa", tag(this.key.wire)], body)];
  }
}

class SshRsaIdentity implements Identity {
  constructor(
    readonly key: SshPublicKey,
    private readonly privateKey: KeyObject,
  ) {}

  unwrapFileKey(stanzas: Stanza[]): Uint8Array | null {
    for (const s of stanzas) {
      if (s.args[0] !== "ssh-rsa" || s.args[1] !== tag(this.key.wire)) continue;
      try {
        return privateDecrypt(
          {
            key: this.privateKey,
            padding: constants.RSA_PKCS1_OAEP_PADDING,
            oaepHash: "sha256",
            oaepLabel: RSA_LABEL,
          },
          s.body,
        );
      } catch {}
    }
    return null;
  }
}

/** sshpk names a key's parts by letter (RFC 4253's `A` for an Ed25519 point, `k` for its seed); its types do not. */
function parts(key: sshpk.Key | sshpk.PrivateKey): Record<string, { data: Buffer } | undefined> {
  return key.part as unknown as Record<string, { data: Buffer } | undefined>;
}

export type SshRecipient = Recipient & { key: SshPublicKey };
export type SshIdentity = Identity & { key: SshPublicKey };

/** An `authorized_keys` line (`ssh-ed25519 AAAA... comment` or `ssh-rsa ...`) as an age recipient. */
export function parseSshRecipient(line: string): SshRecipient {
  const key = sshpk.parseKey(line, "ssh");
  const described = describe(key);
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
  const described = describe(key.toPublic());
  if (key.type === "ed25519") {
    const seed = parts(key).k?.data;
    if (!seed || seed.length < 32) throw new Error("the key has no Ed25519 seed");
    return new SshEd25519Identity(described, seed.subarray(0, 32));
  }
  if (key.type === "rsa") return new SshRsaIdentity(described, createPrivateKey(key.toString("pkcs8")));
  throw new Error(`age cannot decrypt with ${key.type} SSH keys; use an ssh-ed25519 or ssh-rsa key`);
}
