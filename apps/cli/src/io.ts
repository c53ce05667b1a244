import type { Readable, Writable } from "node:stream";

/** Where a command writes and what it may ask about its surroundings; tests pass their own. */
export interface CliIO {
  /** Where questions are answered (`cairn auth dropbox`); the process's stdin by default. */
  stdin?: Readable;
  stdout: Writable;
  stderr: Writable & { isTTY?: boolean; columns?: number };
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** A signal that fires on Ctrl-C, so a backup stops cleanly and leaves nothing partial. */
  signal?: AbortSignal;
}

export function processIO(signal?: AbortSignal): CliIO {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    env: process.env,
    ...(signal ? { signal } : {}),
  };
}
