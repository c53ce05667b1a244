import { availableParallelism } from "node:os";

/**
 * How many threads libuv's pool gets: as many as there are cores, between two and libuv's own
 * four. Every file-system call and every deflate or zstd block of a backup runs on that pool,
 * and on a two-core machine its default four threads cost more in switching than they gain.
 * Measured on the bench's trees (2026-12-04, two cores, two alternating runs each, two threads
 * against four): 100,000 small files in tar.gz 19.6 to 20.2 s against 26.3 to 27.6, in tar.zst
 * 12.2 to 13.7 against 15.4 to 17.1, in zip 15.7 against 14.2 to 17.5; the mixed tree in tar.gz
 * 22.0 to 23.4 against 24.2 to 25.7, in tar.zst 8.2 to 8.6 against 9.2 to 9.5; the 4 GiB file in
 * zip 60.9 against 59.4 to 65.0. System time fell most (small tar.gz: 3.7 to 3.9 s against 7.4 to 8.0).
 * Never fewer than two, so that one slow read does not hold up all compression.
 */
export function threadPoolSizeFor(cores: number): number {
  return Math.min(4, Math.max(2, cores));
}

/**
 * Sets the pool's size unless the user set UV_THREADPOOL_SIZE. libuv reads it when the pool
 * first starts, so this must run before anything reads a file or compresses asynchronously
 * (Linux and macOS; on Windows a change to process.env after start-up does not reach libuv).
 */
export function sizeThreadPool(env: NodeJS.ProcessEnv = process.env): void {
  env.UV_THREADPOOL_SIZE ??= String(threadPoolSizeFor(availableParallelism()));
}
