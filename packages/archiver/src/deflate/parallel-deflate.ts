import { compressInParallel } from "../compress/in-parallel.js";
import { type DeflateLanes, FINAL_BLOCK } from "./deflate-lanes.js";

/** Blocks of a large file deflated at once: enough to keep every lane busy, few enough to stay small. */
const PLAN = { blockBytes: 256 * 1024, inFlight: 3 };

/**
 * Deflates a stream of any length on several cores. Each block is deflated without reference to
 * anything before it and not closed: blocks in order, followed by FINAL_BLOCK, make one valid
 * deflate stream (pigz's idea). Resetting the dictionary every 256 KiB costs well under 1% of the
 * compression ratio.
 */
export async function* deflateInParallel(
  content: AsyncIterable<Buffer>,
  lanes: DeflateLanes,
): AsyncGenerator<Buffer> {
  yield* compressInParallel(content, lanes, PLAN);
  yield FINAL_BLOCK;
}
