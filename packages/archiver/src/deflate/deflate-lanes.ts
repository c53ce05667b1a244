import { availableParallelism } from "node:os";
import { constants, createDeflateRaw, type DeflateRaw } from "node:zlib";

/** An empty final block (BFINAL=1, fixed Huffman, end-of-block): closes a flushed deflate stream. */
export const FINAL_BLOCK = Buffer.from([0x03, 0x00]);

interface Lane {
  stream: DeflateRaw;
  output: Buffer[];
}

/**
 * Deflates many small buffers on libuv's thread pool through a few long-lived zlib streams.
 *
 * A zlib call of its own per small file costs more in setup (~80 µs: allocating and clearing the
 * compressor's tables on the JavaScript thread) than deflating a few KiB takes, and synchronous
 * calls keep every byte on the one JavaScript thread. Here each buffer is written to a lane and
 * ended with a full flush, which empties the lane's dictionary: the bytes since the previous flush
 * are a deflate stream that refers to nothing before it, and an empty final block completes it.
 */
export class DeflateLanes {
  private readonly idle: Lane[] = [];
  private readonly all: Lane[] = [];
  private readonly waiting: ((lane: Lane) => void)[] = [];
  private closed = false;

  constructor(level: number, count = Math.min(4, availableParallelism() + 1)) {
    for (let i = 0; i < count; i++) {
      // Every write ends with a full flush: one zlib call per buffer instead of a write and a flush.
      const lane: Lane = { stream: createDeflateRaw({ level, flush: constants.Z_FULL_FLUSH }), output: [] };
      lane.stream.on("data", (chunk: Buffer) => lane.output.push(chunk));
      this.idle.push(lane);
      this.all.push(lane);
    }
  }

  /** The raw deflate stream of `data`, as a zip entry holds it. */
  async deflate(data: Buffer): Promise<Buffer> {
    return Buffer.concat([await this.segment(data), FINAL_BLOCK]);
  }

  /**
   * `data` deflated without reference to anything before it and not closed: segments of one
   * content, in order and followed by FINAL_BLOCK, make one valid deflate stream (pigz's idea),
   * so the blocks of one large file can be compressed on several cores at once.
   */
  async segment(data: Buffer): Promise<Buffer> {
    const lane = await this.take();
    try {
      await new Promise<void>((resolve, reject) => {
        lane.stream.write(data, (error) => (error ? reject(error) : resolve()));
      });
      return lane.output.length === 1 ? lane.output[0]! : Buffer.concat(lane.output);
    } finally {
      lane.output = [];
      this.give(lane);
    }
  }

  /** Frees the compressors; deflate() must not be called afterwards. */
  close(): void {
    this.closed = true;
    for (const lane of this.all) lane.stream.destroy();
  }

  private take(): Promise<Lane> {
    if (this.closed) return Promise.reject(new Error("the deflate lanes are closed"));
    const lane = this.idle.pop();
    return lane ? Promise.resolve(lane) : new Promise((resolve) => this.waiting.push(resolve));
  }

  private give(lane: Lane): void {
    if (lane.stream.destroyed) return;
    const next = this.waiting.shift();
    if (next) next(lane);
    else this.idle.push(lane);
  }
}
