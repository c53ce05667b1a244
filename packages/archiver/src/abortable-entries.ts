import { Readable } from "node:stream";
import type { Archiver, SourceEntry } from "@cairn/core";
import { abortError } from "./errors.js";

/**
 * An archive writer whose every wait on the source (the listing, open(), read()) ends in the
 * signal's reason as soon as the run is aborted. A writer's generator hears an abort only between its own
 * awaits, so one read that never returns (a hung network mount, a dump program that stopped
 * writing, a thread pool full of such reads) would otherwise hold the stop, and the source's
 * close, forever. What was waited on is abandoned: its stream is destroyed, which frees the file
 * once the read in progress comes back.
 */
export function abortableWrite(write: Archiver["write"]): Archiver["write"] {
  return (entries, ctx, options) => {
    // Lives as long as the archive, not the listing: the last files are read after it ends.
    const stop = new Stop(ctx.signal);
    const output = write(abortableEntries(entries, stop), ctx, options);
    output.once("close", () => stop.dispose());
    return output;
  };
}

async function* abortableEntries(
  entries: AsyncIterable<SourceEntry>,
  stop: Stop,
): AsyncGenerator<SourceEntry> {
  const iterator = entries[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await stop.race(iterator.next());
      if (next.done) return;
      yield guarded(next.value, stop);
    }
  } finally {
    // Waits only for a source that is itself inside an await; a source at its yield closes at once.
    await iterator.return?.();
  }
}

function guarded(entry: SourceEntry, stop: Stop): SourceEntry {
  const { open, read } = entry;
  if (!open && !read) return entry;
  return {
    ...entry,
    open: open && (() => abortableStream(open.call(entry), stop)),
    read: read && (() => stop.race(read.call(entry))),
  };
}

function abortableStream(stream: Readable, stop: Stop): Readable {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  async function* chunks(): AsyncGenerator<Buffer> {
    for (;;) {
      const next = await stop.race(iterator.next());
      if (next.done) return;
      yield next.value;
    }
  }
  const guardedStream = Readable.from(chunks(), { objectMode: false, highWaterMark: 64 * 1024 });
  guardedStream.once("close", () => stream.destroy());
  return guardedStream;
}

/**
 * Ends waits when the signal aborts. Not Promise.race against one long-lived promise: every race
 * would leave a reaction on it holding its result (each file's content) until the run ends.
 */
class Stop {
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
  race<T>(work: Promise<T>): Promise<T> {
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
          resolve(value);
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
