/**
 * Gathers the many small pieces of a zip (headers, small files, descriptors) into chunks of a
 * useful size. 100,000 small files would otherwise be 200,000 tiny chunks, each passing through
 * every stream after the archiver (hash, tee, every destination) at a cost per chunk, not per byte.
 */
export class OutputBatch {
  private block: Buffer;
  private used = 0;
  private readonly size: number;

  constructor(size = 256 * 1024) {
    this.size = size;
    this.block = Buffer.allocUnsafeSlow(size);
  }

  /** Adds bytes; gives back the chunks that became full, in order. Large pieces pass as they are. */
  add(bytes: Buffer): Buffer[] {
    if (bytes.length >= this.size / 2) {
      const out = this.flush();
      out.push(bytes);
      return out;
    }
    const out = this.used + bytes.length > this.size ? this.flush() : [];
    bytes.copy(this.block, this.used);
    this.used += bytes.length;
    return out;
  }

  /** Gives back what is held (at most one chunk) and starts a new block. */
  flush(): Buffer[] {
    if (this.used === 0) return [];
    const full = this.block.subarray(0, this.used);
    // The chunk handed out belongs to the consumer now; never write into it again.
    this.block = Buffer.allocUnsafeSlow(this.size);
    this.used = 0;
    return [full];
  }
}
