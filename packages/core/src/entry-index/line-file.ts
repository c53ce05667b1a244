import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { finished } from "node:stream/promises";

/** Lines are written in batches of about this many bytes. */
const BATCH_BYTES = 64 * 1024;

/**
 * A private temporary file of text lines, written in batches and hashed on the way, so a list of
 * a million entries costs disk, not memory.
 */
export class LineFile {
  readonly #dir: string;
  readonly path: string;
  readonly #out: WriteStream;
  readonly #hash = createHash("sha256");
  #batch: string[] = [];
  #batchBytes = 0;
  #size = 0;

  private constructor(dir: string) {
    this.#dir = dir;
    this.path = join(dir, "lines.jsonl");
    this.#out = createWriteStream(this.path, { mode: 0o600 });
    // Errors surface from the next write or from close(); this keeps them from going unhandled.
    this.#out.on("error", () => {});
  }

  static async create(prefix: string, tempDir = tmpdir()): Promise<LineFile> {
    return new LineFile(await mkdtemp(join(tempDir, `cairn-${prefix}-`)));
  }

  async append(text: string): Promise<void> {
    this.#batch.push(text);
    this.#batchBytes += text.length;
    if (this.#batchBytes >= BATCH_BYTES) await this.#write();
  }

  /** Writes what is left and closes the file: its size and SHA-256. */
  async close(): Promise<{ size: number; sha256: string }> {
    await this.#write();
    this.#out.end();
    await finished(this.#out);
    return { size: this.#size, sha256: this.#hash.digest("hex") };
  }

  open(): Readable {
    return createReadStream(this.path);
  }

  async dispose(): Promise<void> {
    if (!this.#out.closed) this.#out.destroy();
    await rm(this.#dir, { recursive: true, force: true });
  }

  async #write(): Promise<void> {
    if (this.#batch.length === 0) return;
    const chunk = Buffer.from(this.#batch.join(""), "utf8");
    this.#batch = [];
    this.#batchBytes = 0;
    this.#hash.update(chunk);
    this.#size += chunk.length;
    if (!this.#out.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error) => reject(error);
        this.#out.once("error", onError);
        this.#out.once("drain", () => {
          this.#out.off("error", onError);
          resolve();
        });
      });
    }
    if (this.#out.errored) throw this.#out.errored;
  }
}
