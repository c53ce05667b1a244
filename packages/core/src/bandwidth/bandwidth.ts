import { Transform } from "node:stream";
import { TokenBucket } from "limiter";
import { type BandwidthSchedule, type Rate, rateAt } from "./schedule.js";

/** How far a transfer may run ahead of its limit when it starts, in seconds of the limit. */
const START_BURST_SECONDS = 0.1;
/**
 * How much of a stall a running transfer may make up, in seconds of the limit. A busy machine
 * (or a slow destination) can hold a transfer up for a moment; without this the time lost would
 * count against the limit, and a 10 MiB/s limit would give 7 on a loaded machine.
 */
const CATCH_UP_SECONDS = 1;
const MIN_BUCKET = 16 * 1024;

/**
 * One limit shared by every transfer in one direction to one destination: a token bucket that
 * holds bytes. Transfers take their chunks' sizes from it in turn (limiter's queue is first come,
 * first served), so two uploads at once share the limit instead of each getting it.
 */
export class Bandwidth {
  private readonly bucket = new TokenBucket({ bucketSize: 0, tokensPerInterval: 1, interval: 1000 });
  private rate: Rate = undefined;
  private transfers = 0;

  constructor(
    private readonly schedule: BandwidthSchedule,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Waits until `bytes` may pass; resolves at once while the schedule says `off`. */
  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    let left = bytes;
    while (left > 0) {
      this.follow();
      if (this.rate === undefined) return;
      const piece = Math.min(left, this.bucket.bucketSize);
      try {
        await abortable(this.bucket.removeTokens(piece), signal);
      } catch (error) {
        // The limit went down while this piece waited, and the piece no longer fits the bucket.
        if (error instanceof RangeError) continue;
        throw error;
      }
      left -= piece;
    }
  }

  /** Wraps a stream so that its bytes pass at the limit. */
  throttle(signal?: AbortSignal): Transform {
    if (this.transfers === 0) this.startAfresh();
    this.transfers++;
    let counted = true;
    const done = () => {
      if (counted) this.transfers--;
      counted = false;
    };
    const stream = new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        this.take(chunk.length, signal).then(
          () => callback(null, chunk),
          (error: unknown) => callback(error as Error),
        );
      },
    });
    stream.once("close", done);
    stream.once("end", done);
    return stream;
  }

  /** A transfer that starts after a pause gets a small burst, not the tokens saved up meanwhile. */
  private startAfresh(): void {
    this.follow();
    if (this.rate === undefined) return;
    this.bucket.drip();
    this.bucket.content = Math.min(this.bucket.content, this.rate * START_BURST_SECONDS);
  }

  /** Sets the bucket to the rate the schedule gives now (a bucket of size 0 lets everything pass). */
  private follow(): void {
    const rate = rateAt(this.schedule, this.now());
    if (rate === this.rate) return;
    this.rate = rate;
    if (rate === undefined) {
      this.bucket.bucketSize = 0;
      return;
    }
    this.bucket.drip();
    this.bucket.tokensPerInterval = rate;
    this.bucket.bucketSize = Math.max(MIN_BUCKET, Math.round(rate * CATCH_UP_SECONDS));
    this.bucket.content = Math.min(this.bucket.content, this.bucket.bucketSize);
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
