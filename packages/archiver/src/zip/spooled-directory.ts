import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ByteArena } from "./byte-arena.js";

/** Central directory bytes kept in memory before the rest goes to a temporary file. */
export const DIRECTORY_IN_MEMORY = 8 * 1024 * 1024;

/**
 * The zip's central directory, ~75 bytes per entry until the archive's end: 75 MB for a million
 * files, most of a 100 MiB memory budget. Up to DIRECTORY_IN_MEMORY it stays in memory; past
 * that, each full 1 MiB block goes to a private temporary file and is read back at the end. The
 * writes are synchronous: one 1 MiB write per ~14,000 entries, into the page cache.
 */
export class SpooledDirectory {
  private readonly memory = new ByteArena();
  private spill: { dir: string; fd: number; bytes: number } | undefined;
  length = 0;

  constructor(
    private readonly inMemory = DIRECTORY_IN_MEMORY,
    private readonly tempDir = tmpdir(),
  ) {}

  append(bytes: Buffer): void {
    this.memory.append(bytes);
    this.length += bytes.length;
    if (this.memory.length >= this.inMemory) this.spillFullBlocks();
  }

  /** The bytes appended, in order, in blocks of up to 1 MiB. */
  *chunks(): Generator<Buffer> {
    if (this.spill) {
      const block = Buffer.allocUnsafeSlow(1024 * 1024);
      for (let at = 0; at < this.spill.bytes; ) {
        const read = readSync(this.spill.fd, block, 0, Math.min(block.length, this.spill.bytes - at), at);
        if (read === 0) throw new Error(`the zip directory's temporary file ended at ${at} bytes`);
        at += read;
        // A copy: the consumer may hold the chunk after the next read.
        yield Buffer.from(block.subarray(0, read));
      }
    }
    yield* this.memory.chunks();
  }

  /** Removes the temporary file; call whether the archive was finished or not. */
  dispose(): void {
    if (!this.spill) return;
    closeSync(this.spill.fd);
    rmSync(this.spill.dir, { recursive: true, force: true });
    this.spill = undefined;
  }

  private spillFullBlocks(): void {
    if (!this.spill) {
      const dir = mkdtempSync(join(this.tempDir, "cairn-zip-directory-"));
      this.spill = { dir, fd: openSync(join(dir, "central-directory"), "w+", 0o600), bytes: 0 };
    }
    for (const block of this.memory.takeFullBlocks()) {
      for (let at = 0; at < block.length; )
        at += writeSync(this.spill.fd, block, at, block.length - at, this.spill.bytes + at);
      this.spill.bytes += block.length;
    }
  }
}
