import type { Transform } from "node:stream";

interface Lane {
  stream: Transform;
  output: Buffer[];
}

/**
 * Compresses many buffers on libuv's thread pool through a few long-lived zlib streams (deflate or
 * zstd), one buffer per stream at a time, so that every core works and no buffer pays for setting
 * up a compressor of its own (~80 µs each for deflate, on the JavaScript thread).
 *
 * Each stream must end every write with a flush that makes the output of that write stand on its
 * own: deflate's full flush, zstd's end of frame.
 */
export class CompressionLanes {
  private readonly idle: Lane[] = [];
  private readonly all: Lane[] = [];
  private readonly waiting: { resolve: (lane: Lane) => void; reject: (error: Error) => void }[] = [];
  private closed = false;

  constructor(create: () => Transform, count: number) {
    for (let i = 0; i < count; i++) {
      const lane: Lane = { stream: create(), output: [] };
      lane.stream.on("data", (chunk: Buffer) => lane.output.push(chunk));
      this.idle.push(lane);
      this.all.push(lane);
    }
  }

  /** How many buffers are compressed at once. */
  get count(): number {
    return this.all.length;
  }

  /** What one write of `data` makes on a lane. */
  async compress(data: Buffer): Promise<Buffer> {
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

  /** Frees the compressors; compress() must not be called afterwards. */
  close(): void {
    this.closed = true;
    for (const lane of this.all) lane.stream.destroy();
    // Whatever still waits for a lane (files read ahead of an aborted archive) is let go, not left
    // pending with its buffer for the life of the process.
    for (const waiter of this.waiting.splice(0)) waiter.reject(closedError());
  }

  private take(): Promise<Lane> {
    if (this.closed) return Promise.reject(closedError());
    const lane = this.idle.pop();
    return lane
      ? Promise.resolve(lane)
      : new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private give(lane: Lane): void {
    if (lane.stream.destroyed) return;
    const next = this.waiting.shift();
    if (next) next.resolve(lane);
    else this.idle.push(lane);
  }
}

function closedError(): Error {
  return new Error("the compression lanes are closed");
}
