import { constants, type KeyObject, privateDecrypt, publicEncrypt } from "node:crypto";
import type { Identity, Stanza } from "age-encryption";
import type { HeaderStanza, StanzaRecipient } from "./header.js";
import { type SshPublicKey, tag } from "./ssh-public-key.js";

// age's "ssh-rsa" stanza (age-encryption.org/v1): the file key under RSA-OAEP with SHA-256 and
// age's label.

const RSA_LABEL = Buffer.from("age-encryption.org/v1/ssh-rsa");

export class SshRsaRecipient implements StanzaRecipient {
  constructor(
    readonly key: SshPublicKey,
    private readonly publicKey: KeyObject,
  ) {}

  wrapFileKey(fileKey: Uint8Array): HeaderStanza[] {
    const body = publicEncrypt(
      {
        key: this.publicKey,
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: "sha256",
        oaepLabel: RSA_LABEL,
      },
      fileKey,
    );
    return [{ args: ["ssh-rsa", tag(this.key.wire)], body }];
  }
}

export class SshRsaIdentity implements Identity {
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
