import { Transform, type TransformCallback } from "node:stream";
import { Decrypter } from "age-encryption";
import { CairnError } from "../errors.js";
import { noIdentityError } from "./errors.js";
import type { ParsedIdentity } from "./keys.js";
import { PAYLOAD_NONCE_SIZE, PayloadOpener, payloadKey } from "./payload.js";

const MAGIC = Buffer.from("age-encryption.org/v1\n");
/** Far more than any real header (a few hundred bytes a recipient); a bound for garbage. */
const MAX_HEADER = 1024 * 1024;
const MAC_LINE = Buffer.from("\n---");

export interface DecryptOptions {
  identities: ParsedIdentity[];
  passphrases?: string[];
  /** What is being decrypted, for messages (`archive db/db-....zip.age`). */
  what: string;
  /** The keys the backup says it was made for, for the message when none of ours fits. */
  madeFor?: string[];
}

/** The header ends with the MAC line, the first line that starts with "---". */
function headerEnd(data: Buffer): number | undefined {
  const mac = data.indexOf(MAC_LINE);
  if (mac === -1) return undefined;
  const newline = data.indexOf(0x0a, mac + MAC_LINE.length);
  return newline === -1 ? undefined : newline + 1;
}

/**
 * A stage that turns an age file back into its plaintext. The header is read and the file key
 * unwrapped (by `age-encryption`) before any plaintext comes out; `ready` settles then, so a
 * wrong key is reported before a restore writes anything. The payload is checked chunk by chunk,
 * and its end is only accepted when the last chunk says it is the last.
 */
export class AgeDecryptor extends Transform {
  readonly ready: Promise<void>;
  #settle!: { resolve: () => void; reject: (error: Error) => void };
  #pending: Buffer = Buffer.alloc(0);
  #opener: PayloadOpener | undefined;

  constructor(private readonly options: DecryptOptions) {
    super({ readableHighWaterMark: 1024 * 1024 });
    this.ready = new Promise((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    // Whoever awaits `ready` hears of the error; the stream's own error event carries it too.
    this.ready.catch(() => undefined);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.#opener) {
      this.#open(chunk, done);
      return;
    }
    const data = this.#pending.length > 0 ? Buffer.concat([this.#pending, chunk]) : chunk;
    this.#pending = data;
    const end = headerEnd(data);
    const problem = this.#checkStart(data, end);
    if (problem) {
      this.#fail(problem, done);
    } else if (end === undefined || data.length < end + PAYLOAD_NONCE_SIZE) {
      done();
    } else {
      this.#unlock(data.subarray(0, end), data.subarray(end, end + PAYLOAD_NONCE_SIZE)).then(
        (opener) => {
          this.#opener = opener;
          this.#pending = Buffer.alloc(0);
          this.#settle.resolve();
          this.#open(data.subarray(end + PAYLOAD_NONCE_SIZE), done);
        },
        (error: Error) => this.#fail(error, done),
      );
    }
  }

  override _flush(done: TransformCallback): void {
    if (!this.#opener) {
      this.#fail(this.#invalid("it ends before its header and payload nonce are complete"), done);
      return;
    }
    try {
      for (const part of this.#opener.final()) this.push(part);
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    // A source that fails before the header is read must not leave `ready` waiting forever.
    this.#settle.reject(error ?? this.#invalid("the stream closed before its header was read"));
    done(error);
  }

  #open(chunk: Buffer, done: TransformCallback): void {
    try {
      const parts = this.#opener!.update(chunk);
      if (parts.length > 0) this.push(parts.length === 1 ? parts[0] : Buffer.concat(parts));
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  #checkStart(data: Buffer, end: number | undefined): CairnError | undefined {
    const n = Math.min(data.length, MAGIC.length);
    if (!data.subarray(0, n).equals(MAGIC.subarray(0, n))) {
      return this.#invalid("it does not start like an age file (age-encryption.org/v1)");
    }
    if (end === undefined && data.length > MAX_HEADER) return this.#invalid("its header does not end");
    return undefined;
  }

  async #unlock(header: Buffer, nonce: Buffer): Promise<PayloadOpener> {
    const decrypter = new Decrypter();
    for (const { identity } of this.options.identities) decrypter.addIdentity(identity);
    for (const passphrase of this.options.passphrases ?? []) decrypter.addPassphrase(passphrase);
    let fileKey: Uint8Array;
    try {
      fileKey = await decrypter.decryptHeader(header);
    } catch (cause) {
      throw this.#headerError(cause as Error);
    }
    const opener = new PayloadOpener(payloadKey(fileKey, nonce), this.options.what);
    fileKey.fill(0);
    return opener;
  }

  #headerError(cause: Error): CairnError {
    const { what, identities, passphrases = [], madeFor } = this.options;
    if (!/no identity matched/.test(cause.message)) {
      return this.#invalid(`its header is not valid (${cause.message})`, cause);
    }
    const tried = [
      ...identities.map((i) => i.label),
      ...(passphrases.length > 0 ? [`${passphrases.length} passphrase(s)`] : []),
    ];
    const error = noIdentityError(what, tried, madeFor);
    error.cause = cause;
    return error;
  }

  #invalid(why: string, cause?: Error): CairnError {
    return new CairnError("DECRYPT_FAILED", `${this.options.what} cannot be decrypted: ${why}`, {
      ...(cause ? { cause } : {}),
      hint: "this copy is damaged or not an age file; restore from another destination or an older backup",
    });
  }

  #fail(error: Error, done: TransformCallback): void {
    this.#settle.reject(error);
    done(error);
  }
}
