import { createHash } from "node:crypto";
import { type Readable, Transform } from "node:stream";
import type { Manifest } from "../manifest.js";
import { ENCRYPTED_SUFFIX } from "../naming.js";
import type { ConfiguredEncryption } from "./config.js";
import { encryptionManifest } from "./layer.js";

/**
 * What one destination stores of the teed archive. Most store the tee's bytes as they are; a
 * destination with its own `encryption` stores them encrypted for its keys alone, so the job's
 * other destinations keep the plain archive, from the same single read of the source.
 */
export interface StoredForm {
  /** The key the destination stores the archive under. */
  key: string;
  /** The bytes to store, from the bytes the tee hands this destination. */
  body(teed: Readable): Readable;
  /** This destination's manifest: size, SHA-256 and encryption are of the object it stores. */
  manifest(shared: Manifest): Manifest;
}

/** The tee's bytes, stored as they come. */
export function plainForm(key: string): StoredForm {
  return { key, body: (teed) => teed, manifest: (shared) => shared };
}

/**
 * The tee's bytes encrypted on this branch only (a streaming cipher of one 64 KiB chunk, its own
 * buffers bounded like the tee's), measured as they leave for the destination.
 */
export function encryptedForm(key: string, encryption: ConfiguredEncryption): StoredForm {
  const hash = createHash("sha256");
  let size = 0;
  const counted = () =>
    new Transform({
      readableHighWaterMark: 64 * 1024,
      writableHighWaterMark: 64 * 1024,
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
  const stored = key + ENCRYPTED_SUFFIX;
  return {
    key: stored,
    body: (teed) => {
      const out = counted();
      const encrypted = encryption.encrypt(teed);
      // The destination reads `out`; a failed cipher must fail its upload, never end it early.
      encrypted.on("error", (error) => out.destroy(error));
      // A destination that failed before reading has no listener left: its upload already failed,
      // and the error must not crash the run (the tee's own bodies have the same listener).
      out.on("error", () => undefined);
      out.on("close", () => encrypted.destroy());
      return encrypted.pipe(out);
    },
    manifest: (shared) => ({
      ...shared,
      archive: { ...shared.archive, key: stored, size, sha256: hash.digest("hex") },
      ...encryptionManifest(encryption),
    }),
  };
}
