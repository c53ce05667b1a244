import { createHash } from "node:crypto";
import type sshpk from "sshpk";
import { base64NoPad } from "./header.js";

export interface SshPublicKey {
  type: "ssh-ed25519" | "ssh-rsa";
  /** `SHA256:...`, as `ssh-keygen -l` prints it. */
  fingerprint: string;
  /** The key in SSH's wire format (RFC 4253), which the stanza's tag and tweak are computed from. */
  wire: Buffer;
}

/** The stanza's first argument: the first four bytes of the wire-format key's SHA-256. */
export function tag(wire: Buffer): string {
  return base64NoPad(createHash("sha256").update(wire).digest().subarray(0, 4));
}

export function describeSshKey(key: sshpk.Key): SshPublicKey {
  return {
    type: key.type === "ed25519" ? "ssh-ed25519" : "ssh-rsa",
    fingerprint: key.fingerprint("sha256").toString(),
    wire: key.toBuffer("rfc4253", {}),
  };
}
