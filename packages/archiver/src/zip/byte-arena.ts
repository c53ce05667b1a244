/**
 * Appends many small records into a few large blocks. Small Buffers come from Node's shared 8 KiB
 * pool, and holding 100,000 of them (one central directory record per file) would pin a pool slab
 * each: measured, over a gigabyte for 100,000 files. Copied into 1 MiB blocks they take what they
 * need.
 */
export class ByteArena {
  private readonly blocks: Buffer[] = [];
  private used = 0;
  private readonly blockSize: number;
  length = 0;

  constructor(blockSize = 1024 * 1024) {
    this.blockSize = blockSize;
  }

  append(bytes: Buffer): void {
    let from = 0;
    while (from < bytes.length) {
      let block = this.blocks.at(-1);
      if (!block || this.used === block.length) {
        block = Buffer.allocUnsafeSlow(Math.max(this.blockSize, bytes.length - from));
        this.blocks.push(block);
        this.used = 0;
      }
      const copied = bytes.copy(block, this.used, from);
      this.used += copied;
      from += copied;
    }
    this.length += bytes.length;
  }

  /** Gives up every block but the one being filled (for SpooledDirectory to write out). */
  takeFullBlocks(): Buffer[] {
    const full = this.blocks.splice(0, this.blocks.length - 1);
    for (const block of full) this.length -= block.length;
    return full;
  }

  /** The bytes appended, in order, in blocks of up to blockSize. */
  *chunks(): Generator<Buffer> {
    for (let i = 0; i < this.blocks.length; i++) {
      const block = this.blocks[i]!;
      yield i === this.blocks.length - 1 ? block.subarray(0, this.used) : block;
    }
  }
}
