export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** What every plugin call gets: cancellation and a logger that never prints secrets. */
export interface RunContext {
  signal: AbortSignal;
  logger: Logger;
  /**
   * Where a plugin puts what it must spool (a zip read back is spooled whole: its index is at its
   * end): the folder the user pointed this operation at, such as a restore's target, so a large
   * backup fills that disk and not a small `/tmp`. The system's temporary folder when absent.
   */
  tempDir?: string;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
