import type { SourceEntry } from "@cairn/core";
import type { Stop } from "./stop.js";

export interface ReadAheadLimits {
  /** Entries prepared ahead of the one being written. */
  entries: number;
  /** Bytes of small files held ahead. */
  bytes: number;
}

/**
 * Yields prepared entries in source order while preparing the next small ones concurrently:
 * reading many small files one after another leaves the CPU idle, and compressing them
 * concurrently (zlib's async calls run on libuv's thread pool) uses every core. Large entries are
 * prepared only when their turn comes, so at most one large file is open.
 */
export async function* readAhead<T>(
  entries: AsyncIterable<SourceEntry>,
  isSmall: (entry: SourceEntry) => boolean,
  prepareSmall: (entry: SourceEntry) => Promise<T>,
  prepareLarge: (entry: SourceEntry) => Promise<T>,
  limits: ReadAheadLimits,
  stop?: Stop,
): AsyncGenerator<T> {
  const iterator = entries[Symbol.asyncIterator]();
  const queue: { entry: SourceEntry; bytes: number; ready: Promise<T> | undefined; settled: boolean }[] = [];
  let held = 0;
  let exhausted = false;
  try {
    for (;;) {
      while (!exhausted && queue.length < limits.entries && held < limits.bytes) {
        const next = await iterator.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        const entry = next.value;
        const small = isSmall(entry);
        const ready = small ? prepareSmall(entry) : undefined;
        const bytes = small ? (entry.size ?? 0) : 0;
        const item = { entry, bytes, ready, settled: false };
        // A failure is handled when its turn comes; this also keeps it from counting as unhandled.
        const settle = () => {
          item.settled = true;
        };
        ready?.then(settle, settle);
        queue.push(item);
        held += bytes;
      }
      const item = queue.shift();
      if (!item) return;
      held -= item.bytes;
      // Most small files are ready by their turn; one that is not may be a read that never returns
      // (a hung mount), which an abort must not wait for.
      if (item.ready) yield await (item.settled || !stop ? item.ready : stop.race(item.ready));
      else yield await prepareLarge(item.entry);
    }
  } finally {
    await iterator.return?.();
  }
}
