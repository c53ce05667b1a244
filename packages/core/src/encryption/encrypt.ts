import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Decrypter, Encrypter } from "age-encryption";
import type { ParsedRecipient } from "./keys.js";
import { blockTransform, PAYLOAD_NONCE_SIZE, PayloadSealer, payloadKey } from "./payload.js";

/** Who a backup is encrypted for: public keys, or else one passphrase. */
export type EncryptionKeys =
  | { recipients: ParsedRecipient[]; passphrase?: undefined }
  | {
      recipients?: undefined;
      passphrase: string;
      /** scrypt's log2 N; age's default of 18 (256 MiB, about a second) unless a test needs speed. */
      scryptWorkFactor?: number;
    };

/** The file key `age-encryption` drew for a header (it holds it only while encrypting). */
async function makeHeader(keys: EncryptionKeys): Promise<{ header: Buffer; fileKey: Uint8Array }> {
  const encrypter = new Encrypter();
  let fileKey: Uint8Array | undefined;
  if (keys.passphrase !== undefined) {
    encrypter.setPassphrase(keys.passphrase);
    if (keys.scryptWorkFactor !== undefined) encrypter.setScryptWorkFactor(keys.scryptWorkFactor);
  } else {
    for (const { recipient } of keys.recipients) encrypter.addRecipient(recipient);
    // A recipient that adds no stanza, only to learn the file key for the payload.
    encrypter.addRecipient({
      wrapFileKey(key) {
        fileKey = Uint8Array.from(key);
        return [];
      },
    });
  }
  // An empty file is the header, its payload nonce, and one empty sealed chunk of 16 bytes.
  const empty = await encrypter.encrypt(new Uint8Array(0));
  const header = Buffer.from(empty.subarray(0, empty.length - PAYLOAD_NONCE_SIZE - 16));
  if (keys.passphrase !== undefined) {
    // The scrypt recipient is internal to the package; its header gives the key back.
    const decrypter = new Decrypter();
    decrypter.addPassphrase(keys.passphrase);
    fileKey = await decrypter.decryptHeader(header);
  }
  if (!fileKey) throw new Error("age-encryption did not produce a file key");
  return { header, fileKey };
}

/**
 * Encrypts a stream into a standard age file (age-encryption.org/v1), readable by `age -d`:
 * header and recipient stanzas by `age-encryption`, the payload sealed as it streams. One stream
 * stage, which holds back the first chunk until the header is made: memory stays at the stage's
 * two small buffers whatever the size (apps/cli/src/memory.test.ts).
 */
export function encryptStream(plain: Readable, keys: EncryptionKeys): Readable {
  const sealing = makeHeader(keys).then(({ header, fileKey }) => {
    // A fresh nonce: the one in the empty file above was never stored and is not reused.
    const nonce = randomBytes(PAYLOAD_NONCE_SIZE);
    const sealer = new PayloadSealer(payloadKey(fileKey, nonce));
    fileKey.fill(0);
    return { blocks: sealer, prefix: Buffer.concat([header, nonce]) };
  });
  // Reported through the stream, by the first chunk or the end, whichever comes first.
  sealing.catch(() => undefined);
  const sealed = blockTransform(sealing);
  pipeline(plain, sealed).catch((error: unknown) => sealed.destroy(error as Error));
  return sealed;
}
