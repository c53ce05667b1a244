import { createHash, type Hash } from "node:crypto";

/** Dropbox hashes content in blocks of 4 MiB; the content_hash is SHA-256 over the blocks' SHA-256 digests. */
export const DROPBOX_BLOCK_SIZE = 4 * 1024 * 1024;

/**
 * Computes Dropbox's `content_hash` incrementally, so a file of any size is hashed as it
 * streams past. Written from https://www.dropbox.com/developers/reference/content-hash.
 */
export class DropboxContentHasher {
  private readonly overall = createHash("sha256");
  private block: Hash | undefined;
  private blockFilled = 0;

  update(data: Uint8Array): this {
    let position = 0;
    while (position < data.length) {
      if (this.blockFilled === DROPBOX_BLOCK_SIZE) this.closeBlock();
      const take = Math.min(DROPBOX_BLOCK_SIZE - this.blockFilled, data.length - position);
      this.block ??= createHash("sha256");
      this.block.update(data.subarray(position, position + take));
      this.blockFilled += take;
      position += take;
    }
    return this;
  }

  /** The hex digest; the hasher cannot be used afterwards. */
  digest(): string {
    if (this.blockFilled > 0) this.closeBlock();
    return this.overall.digest("hex");
  }

  private closeBlock(): void {
    this.overall.update((this.block ?? createHash("sha256")).digest());
    this.block = undefined;
    this.blockFilled = 0;
  }
}

export function dropboxContentHash(data: Uint8Array): string {
  return new DropboxContentHasher().update(data).digest();
}
