import { createHash, type Hash } from "node:crypto";
import { BLOCK_SIZE } from "./options.js";

/**
 * Dropbox's `content_hash`, computed while the archive streams past: SHA-256 over the
 * SHA-256 of each 4 MiB block. The SDK's own `autoContentHash` never sets it (10.47), so
 * cairn computes it to catch corruption in transit without downloading the file again.
 */
export class ContentHasher {
  private readonly overall = createHash("sha256");
  private block: Hash = createHash("sha256");
  private inBlock = 0;

  update(data: Uint8Array): void {
    let at = 0;
    while (at < data.length) {
      const take = Math.min(BLOCK_SIZE - this.inBlock, data.length - at);
      this.block.update(data.subarray(at, at + take));
      this.inBlock += take;
      at += take;
      if (this.inBlock === BLOCK_SIZE) this.endBlock();
    }
  }

  digest(): string {
    if (this.inBlock > 0) this.endBlock();
    return this.overall.digest("hex");
  }

  private endBlock(): void {
    this.overall.update(this.block.digest());
    this.block = createHash("sha256");
    this.inBlock = 0;
  }
}
