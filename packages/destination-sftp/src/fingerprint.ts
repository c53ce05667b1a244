import { createHash } from "node:crypto";

/** OpenSSH's fingerprint of a key blob: `SHA256:` + base64 of its SHA-256, without padding. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "")}`;
}

/** Compares fingerprints the way users paste them: with or without the trailing "=". */
export function sameFingerprint(a: string, b: string): boolean {
  return a.replace(/=+$/, "") === b.replace(/=+$/, "");
}

/** The key type written at the start of every SSH key blob (`ssh-ed25519`, `ecdsa-sha2-nistp256`, ...). */
export function keyType(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return "unknown";
  const length = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + length).toString("latin1");
}
