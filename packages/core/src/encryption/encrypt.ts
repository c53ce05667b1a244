import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { recipientsHeader } from "./header.js";
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

/**
 * The header for public keys is cairn's own (header.ts); the one for a passphrase is
 * `age-encryption`'s, whose scrypt recipient is internal to the package: it loads for passphrase
 * jobs alone. scrypt at age's work factor takes 256 MiB for about a second, whatever writes it.
 */
async function makeHeader(keys: EncryptionKeys): Promise<{ header: Buffer; fileKey: Uint8Array }> {
  if (keys.passphrase === undefined)
    return recipientsHeader(keys.recipients.map(({ recipient }) => recipient));
  const { Decrypter, Encrypter } = await import("age-encryption");
  const encrypter = new Encrypter();
  encrypter.setPassphrase(keys.passphrase);
  if (keys.scryptWorkFactor !== undefined) encrypter.setScryptWorkFactor(keys.scryptWorkFactor);
  // An empty file is the header, its payload nonce, and one empty sealed chunk of 16 bytes.
  const empty = await encrypter.encrypt(new Uint8Array(0));
  const header = Buffer.from(empty.subarray(0, empty.length - PAYLOAD_NONCE_SIZE - 16));
  // The header gives the file key back to the passphrase that made it.
  const decrypter = new Decrypter();
  decrypter.addPassphrase(keys.passphrase);
  return { header, fileKey: await decrypter.decryptHeader(header) };
}

/**
 * Encrypts a stream into a standard age file (age-encryption.org/v1), readable by `age -d`:
 * the header made once, the payload sealed as it streams. One stream
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
