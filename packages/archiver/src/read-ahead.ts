import type { SourceEntry } from "@cairn/core";

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
): AsyncGenerator<T> {
  const iterator = entries[Symbol.asyncIterator]();
  const queue: { entry: SourceEntry; bytes: number; ready: Promise<T> | undefined }[] = [];
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
        // Handled when its turn comes; this only keeps a failure from counting as unhandled meanwhile.
        ready?.catch(() => {});
        const bytes = small ? (entry.size ?? 0) : 0;
        queue.push({ entry, bytes, ready });
        held += bytes;
      }
      const item = queue.shift();
      if (!item) return;
      held -= item.bytes;
      yield item.ready ? await item.ready : await prepareLarge(item.entry);
    }
  } finally {
    await iterator.return?.();
  }
}
