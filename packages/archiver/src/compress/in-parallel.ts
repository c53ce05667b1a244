import type { CompressionLanes } from "./lanes.js";

export interface BlockPlan {
  /** Bytes per block handed to a lane. */
  blockBytes: number;
  /** Blocks compressed at once; the output waits for the oldest. */
  inFlight: number;
}

/**
 * Compresses a stream of any length on several cores: it is cut into blocks, each compressed on
 * its own lane, and the compressed blocks come out in source order.
 */
export async function* compressInParallel(
  content: AsyncIterable<Buffer>,
  lanes: CompressionLanes,
  plan: BlockPlan,
): AsyncGenerator<Buffer> {
  const pending: Promise<Buffer>[] = [];
  try {
    for await (const block of blocksOf(content, plan.blockBytes)) {
      const compressed = lanes.compress(block);
      // Awaited in turn below; this only keeps a failure from counting as unhandled meanwhile.
      compressed.catch(() => {});
      pending.push(compressed);
      if (pending.length >= plan.inFlight) yield await pending.shift()!;
    }
    while (pending.length > 0) yield await pending.shift()!;
  } finally {
    pending.length = 0;
  }
}

/** Regroups a stream's chunks into blocks of `size` bytes (the last may be shorter): a stream's own chunks may be tiny or huge. */
async function* blocksOf(content: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let held: Buffer[] = [];
  let bytes = 0;
  for await (let chunk of content) {
    while (bytes + chunk.length >= size) {
      const take = size - bytes;
      held.push(chunk.subarray(0, take));
      yield held.length === 1 ? held[0]! : Buffer.concat(held, size);
      chunk = chunk.subarray(take);
      held = [];
      bytes = 0;
    }
    if (chunk.length > 0) {
      held.push(chunk);
      bytes += chunk.length;
    }
  }
  if (bytes > 0) yield Buffer.concat(held, bytes);
}
