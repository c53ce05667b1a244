import { abortError } from "./errors.js";

/**
 * Ends waits when the signal aborts. Not Promise.race against one long-lived promise: every race
 * would leave a reaction on it holding its result (each file's content) until the run ends.
 */
export class Stop {
  private readonly waiting = new Set<(error: Error) => void>();
  private readonly onAbort = () => {
    const error = abortError(this.signal);
    for (const reject of this.waiting) reject(error);
    this.waiting.clear();
  };

  constructor(private readonly signal: AbortSignal) {
    signal.addEventListener("abort", this.onAbort, { once: true });
  }

  /** Settles as `work` does, or rejects with the abort's reason as soon as the signal aborts. */
  race<T>(work: Promise<T>, then?: (value: T) => T): Promise<T> {
    if (this.signal.aborted) {
      // The abandoned work may still fail later (its stream destroyed): that is no longer news.
      work.catch(() => {});
      return Promise.reject(abortError(this.signal));
    }
    return new Promise<T>((resolve, reject) => {
      this.waiting.add(reject);
      work.then(
        (value) => {
          this.waiting.delete(reject);
          resolve(then ? then(value) : value);
        },
        (error: unknown) => {
          this.waiting.delete(reject);
          reject(error);
        },
      );
    });
  }

  /** A long-lived signal (the scheduler's) outlives many runs: leave no listener behind. */
  dispose(): void {
    this.signal.removeEventListener("abort", this.onAbort);
  }
}
