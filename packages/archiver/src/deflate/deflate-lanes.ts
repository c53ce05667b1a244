import { availableParallelism } from "node:os";
import { constants, createDeflateRaw } from "node:zlib";
import { CompressionLanes } from "../compress/lanes.js";

/** An empty final block (BFINAL=1, fixed Huffman, end-of-block): closes a flushed deflate stream. */
export const FINAL_BLOCK = Buffer.from([0x03, 0x00]);

/**
 * Raw deflate on a few lanes. Each buffer is written to a lane and ended with a full flush, which
 * empties the lane's dictionary: the bytes since the previous flush are a deflate stream that
 * refers to nothing before it, and an empty final block completes it.
 */
export class DeflateLanes extends CompressionLanes {
  constructor(level: number, count = Math.min(4, availableParallelism() + 1)) {
    // Every write ends with a full flush: one zlib call per buffer instead of a write and a flush.
    super(() => createDeflateRaw({ level, flush: constants.Z_FULL_FLUSH }), count);
  }

  /** The raw deflate stream of `data`, as a zip entry holds it. */
  async deflate(data: Buffer): Promise<Buffer> {
    return Buffer.concat([await this.compress(data), FINAL_BLOCK]);
  }
}
