import { createCipheriv, createDecipheriv, createSecretKey, hkdfSync, type KeyObject } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { CairnError } from "../errors.js";

/**
 * The payload half of an age file (age-encryption.org/v1, "Payload"): a 16-byte nonce, then
 * STREAM: 64 KiB chunks, each sealed with ChaCha20-Poly1305 under a key derived from the file key
 * and the nonce, the nonce counting the chunks and flagging the last one.
 *
 * This is the one piece of the format cairn does not take from `age-encryption`: that package
 * seals chunks with @noble/ciphers in JavaScript, measured at an eighth of the speed of node:crypto's
 * OpenSSL ChaCha20-Poly1305 here (docs/encryption.md). The construction is wired, not invented:
 * HKDF and the AEAD are node:crypto's, and the tests check it against the age CLI, against
 * `age-encryption`'s own decrypter and encrypter, and against the CCTV test vectors.
 */
export const PAYLOAD_NONCE_SIZE = 16;
const CHUNK = 64 * 1024;
const TAG = 16;
const SEALED_CHUNK = CHUNK + TAG;

export function payloadKey(fileKey: Uint8Array, nonce: Uint8Array): KeyObject {
  return createSecretKey(Buffer.from(hkdfSync("sha256", fileKey, nonce, "payload", 32)));
}

/** The 12-byte STREAM nonce: an 11-byte big-endian chunk counter, then 1 for the last chunk. */
function chunkNonce(counter: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeUInt32BE(Math.floor(counter / 2 ** 32), 3);
  nonce.writeUInt32BE(counter >>> 0, 7);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/** The sealed chunk as its two parts, ciphertext and tag: the caller joins many at once. */
function seal(key: KeyObject, counter: number, last: boolean, plain: Buffer): Buffer[] {
  const cipher = createCipheriv("chacha20-poly1305", key, chunkNonce(counter, last), { authTagLength: TAG });
  const sealed = cipher.update(plain);
  cipher.final();
  return [sealed, cipher.getAuthTag()];
}

function open(key: KeyObject, counter: number, last: boolean, sealed: Buffer): Buffer | undefined {
  const decipher = createDecipheriv("chacha20-poly1305", key, chunkNonce(counter, last), {
    authTagLength: TAG,
  });
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG)), decipher.final()]);
  } catch {
    return undefined;
  }
}

/**
 * Collects bytes into blocks and hands each one on only once a byte after it has arrived, so
 * the last block is known to be last: STREAM flags it, and it may be a full one.
 */
abstract class Blocks {
  readonly #block: Buffer;
  #used = 0;
  protected counter = 0;

  constructor(size: number) {
    this.#block = Buffer.allocUnsafe(size);
  }

  /** Returns new buffers: the one it is given is reused. */
  protected abstract block(data: Buffer, last: boolean): Buffer[];

  /** What the bytes so far complete; the caller keeps the order. */
  update(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#used === this.#block.length) {
        out.push(...this.block(this.#block, false));
        this.counter += 1;
        this.#used = 0;
      }
      const n = chunk.copy(this.#block, this.#used, offset);
      this.#used += n;
      offset += n;
    }
    return out;
  }

  final(): Buffer[] {
    return this.block(this.#block.subarray(0, this.#used), true);
  }
}

/** Seals plaintext into STREAM chunks (the caller writes the nonce before them). */
export class PayloadSealer extends Blocks {
  constructor(private readonly key: KeyObject) {
    super(CHUNK);
  }

  protected block(data: Buffer, last: boolean): Buffer[] {
    return seal(this.key, this.counter, last, data);
  }
}

/** Opens STREAM chunks; any changed, missing, reordered or extra byte throws DECRYPT_FAILED. */
export class PayloadOpener extends Blocks {
  constructor(
    private readonly key: KeyObject,
    private readonly what: string,
  ) {
    super(SEALED_CHUNK);
  }

  protected block(data: Buffer, last: boolean): Buffer[] {
    if (data.length < TAG) throw this.damaged("it ends inside a chunk");
    const plain = open(this.key, this.counter, last, data);
    if (!plain) {
      throw this.damaged(
        last ? "its last chunk fails authentication (truncated or changed)" : "a chunk fails authentication",
      );
    }
    // Only an empty payload may end with an empty chunk.
    if (last && plain.length === 0 && this.counter > 0) throw this.damaged("it ends with an empty chunk");
    return [plain];
  }

  private damaged(why: string): CairnError {
    return new CairnError(
      "DECRYPT_FAILED",
      `${this.what} cannot be decrypted: ${why}, in payload chunk ${this.counter + 1}`,
      { hint: "this copy is damaged or incomplete; restore from another destination or an older backup" },
    );
  }
}

/** What a stage seals or opens with, and the bytes it puts before the first block (the header). */
export interface BlockSetup {
  blocks: PayloadSealer | PayloadOpener;
  prefix?: Buffer;
}

/**
 * A stream stage around a sealer or opener, which may still be in the making (a header being
 * made): the first chunk waits for it. Its buffers are a sealed chunk or two on either side,
 * and its output goes on as made, each sealed chunk and its tag apart: joining them copied every
 * byte once more for no lower peak (measured in apps/cli/src/memory.test.ts's backup).
 */
export function blockTransform(setup: BlockSetup | Promise<BlockSetup>): Transform {
  let ready: BlockSetup | undefined;
  const withSetup = (work: (setup: BlockSetup) => Buffer[], stream: Transform, done: TransformCallback) => {
    const run = (s: BlockSetup) => {
      try {
        const parts = work(s);
        if (s.prefix) {
          stream.push(s.prefix);
          s.prefix = undefined;
        }
        for (const part of parts) stream.push(part);
        done();
      } catch (error) {
        done(error as Error);
      }
    };
    if (ready) run(ready);
    else {
      Promise.resolve(setup).then((s) => {
        ready = s;
        run(s);
      }, done);
    }
  };
  return new Transform({
    readableHighWaterMark: 2 * SEALED_CHUNK,
    writableHighWaterMark: 2 * SEALED_CHUNK,
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      withSetup((s) => s.blocks.update(chunk), this, done);
    },
    flush(done: TransformCallback) {
      withSetup((s) => s.blocks.final(), this, done);
    },
  });
}
