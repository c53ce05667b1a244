/**
 * Stable error codes. A code never changes meaning once released: scripts and
 * plugins match on it, and `CairnError.is()` checks it across duplicate installs.
 */
export const ERROR_CODES = [
  "CONFIG_INVALID",
  "CONFIG_NOT_FOUND",
  "USAGE",
  "PLUGIN_NOT_FOUND",
  "PLUGIN_INVALID",
  "SOURCE_NOT_FOUND",
  "SOURCE_UNREADABLE",
  "SOURCE_CHANGED",
  "ARCHIVE_INVALID",
  "DESTINATION_AUTH",
  "DESTINATION_NOT_FOUND",
  "DESTINATION_PERMISSION",
  "DESTINATION_QUOTA",
  "DESTINATION_UNAVAILABLE",
  "DESTINATION_CONFLICT",
  "DESTINATION_IO",
  "NOT_FOUND",
  "LOCKED",
  "BACKUP_NOT_FOUND",
  "VERIFY_FAILED",
  "RESTORE_UNSAFE",
  "RESTORE_CONFLICT",
  "ABORTED",
  "HOOK_FAILED",
  "INTERNAL",
  /** An encrypted backup, and no identity (or passphrase) given that opens it. */
  "DECRYPT_NO_IDENTITY",
  /** An encrypted backup whose bytes fail authentication: damaged, truncated or not age. */
  "DECRYPT_FAILED",
  // Added later; a code is never renamed or removed, only added.
  "DESTINATION_RATE_LIMITED",
  "DESTINATION_KEY_INVALID",
  "SIZE_MISMATCH",
  /** A restore drill restored something that differs from the backup's index or fails the source's own check. */
  "DRILL_FAILED",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const BRAND = Symbol.for("cairn.error");

export interface CairnErrorOptions {
  cause?: unknown;
  /** True when the same call may succeed if tried again (a dropped connection, a 503). */
  retryable?: boolean;
  /** What the user should do about it; printed after the message. */
  hint?: string;
}

export class CairnError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly hint: string | undefined;
  readonly [BRAND] = true;

  constructor(code: ErrorCode, message: string, options: CairnErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CairnError";
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.hint = options.hint;
  }

  /** Works across two copies of @cairn/core (a plugin may bring its own). */
  static is(value: unknown, code?: ErrorCode): value is CairnError {
    if (typeof value !== "object" || value === null) return false;
    if ((value as Record<symbol, unknown>)[BRAND] !== true) return false;
    return code === undefined || (value as CairnError).code === code;
  }
}

/** The message a person reads: what happened, then what to do. */
export function describeError(error: unknown): string {
  if (CairnError.is(error)) {
    return error.hint ? `${error.message}\n  fix: ${error.hint}` : error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

export function isAbortError(error: unknown): boolean {
  return (
    (error instanceof Error && error.name === "AbortError") ||
    CairnError.is(error, "ABORTED") ||
    (typeof error === "object" && error !== null && (error as { code?: unknown }).code === "ABORT_ERR")
  );
}
