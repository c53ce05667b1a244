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
    const { stopped, dispose } = whenAborted(ctx.signal);
    const output = write(abortableEntries(entries, stopped), ctx, options);
    output.once("close", dispose);
    return output;
  };
}

async function* abortableEntries(
  entries: AsyncIterable<SourceEntry>,
  stopped: Promise<never>,
): AsyncGenerator<SourceEntry> {
  const iterator = entries[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await race(iterator.next(), stopped);
      if (next.done) return;
      yield guarded(next.value, stopped);
    }
  } finally {
    // Waits only for a source that is itself inside an await; a source at its yield closes at once.
    await iterator.return?.();
  }
}

function guarded(entry: SourceEntry, stopped: Promise<never>): SourceEntry {
  const { open, read } = entry;
  if (!open && !read) return entry;
  return {
    ...entry,
    open: open && (() => abortableStream(open.call(entry), stopped)),
    read: read && (() => race(read.call(entry), stopped)),
  };
}

function abortableStream(stream: Readable, stopped: Promise<never>): Readable {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  async function* chunks(): AsyncGenerator<Buffer> {
    for (;;) {
      const next = await race(iterator.next(), stopped);
      if (next.done) return;
      yield next.value;
    }
  }
  const guardedStream = Readable.from(chunks(), { objectMode: false, highWaterMark: 64 * 1024 });
  guardedStream.once("close", () => stream.destroy());
  return guardedStream;
}

/** A promise that rejects with the signal's reason when it aborts, and is never left unhandled. */
function whenAborted(signal: AbortSignal): { stopped: Promise<never>; dispose: () => void } {
  let onAbort = () => {};
  const stopped = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortError(signal));
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  stopped.catch(() => {});
  // A long-lived signal (the scheduler's) outlives many runs: leave no listener behind.
  return { stopped, dispose: () => signal.removeEventListener("abort", onAbort) };
}

function race<T>(work: Promise<T>, stopped: Promise<never>): Promise<T> {
  // The abandoned work may still fail later (its stream destroyed): that is no longer news.
  work.catch(() => {});
  return Promise.race([work, stopped]);
}
