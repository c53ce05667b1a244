import { CairnError, type ErrorCode, isAbortError } from "./errors.js";

/** A condition's code, and whether the same call may succeed if tried again. */
export interface FailureKind {
  code: ErrorCode;
  retryable: boolean;
}

/** Node's, libuv's and undici's names for a connection that failed, dropped or timed out. */
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "ENETRESET",
  "ERR_STREAM_PREMATURE_CLOSE",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/** What some libraries say instead of a code when the other side hung up. */
const NETWORK_MESSAGE = /socket hang up|other side closed|premature close|network socket disconnected/i;

/** File-system conditions that mean the same on every disk and server. */
const ERRNO_KINDS: Record<string, ErrorCode> = {
  EACCES: "DESTINATION_PERMISSION",
  EPERM: "DESTINATION_PERMISSION",
  EROFS: "DESTINATION_PERMISSION",
  ENOSPC: "DESTINATION_QUOTA",
  EDQUOT: "DESTINATION_QUOTA",
  EEXIST: "DESTINATION_CONFLICT",
};

/** The error and its causes (and an AggregateError's errors), nearest first, without cycles. */
function* chain(error: unknown): Generator<Record<string, unknown>> {
  const seen = new Set<unknown>();
  const queue = [error];
  while (queue.length > 0) {
    const next = queue.shift();
    if (typeof next !== "object" || next === null || seen.has(next)) continue;
    seen.add(next);
    yield next as Record<string, unknown>;
    queue.push((next as { cause?: unknown }).cause);
    if (Array.isArray((next as { errors?: unknown }).errors))
      queue.push(...(next as { errors: unknown[] }).errors);
  }
}

/**
 * A dropped or refused connection, a reset, a timeout, a failed DNS lookup: the same request may
 * succeed on a new connection. Looks through `cause`, where fetch and SDKs put the socket's error.
 */
export function isNetworkError(error: unknown): boolean {
  if (isAbortError(error)) return false;
  for (const link of chain(error)) {
    // fetch's one error for every failure below HTTP (the Fetch standard's "network error").
    if (link instanceof TypeError && link.message === "fetch failed") return true;
    if (typeof link.code === "string" && NETWORK_CODES.has(link.code)) return true;
    if (typeof link.message === "string" && NETWORK_MESSAGE.test(link.message)) return true;
  }
  return false;
}

/** The HTTP status of an SDK's error, in the places SDKs put it; undefined for other errors. */
export function httpStatusOf(error: unknown): number | undefined {
  const e = (error ?? {}) as Record<string, unknown> & {
    response?: { status?: unknown };
    $metadata?: { httpStatusCode?: unknown };
  };
  for (const value of [e.status, e.statusCode, e.response?.status, e.$metadata?.httpStatusCode, e.code]) {
    if (typeof value === "number" && value >= 100 && value < 600) return value;
  }
  return undefined;
}

/** What an HTTP status means, for a service whose own error names did not say more. */
export function httpFailure(status: number): FailureKind | undefined {
  if (status === 401) return { code: "DESTINATION_AUTH", retryable: false };
  if (status === 403) return { code: "DESTINATION_PERMISSION", retryable: false };
  if (status === 404) return { code: "NOT_FOUND", retryable: false };
  if (status === 409 || status === 412) return { code: "DESTINATION_CONFLICT", retryable: false };
  if (status === 429) return { code: "DESTINATION_RATE_LIMITED", retryable: true };
  if (status === 507) return { code: "DESTINATION_QUOTA", retryable: false };
  if (status === 408 || status >= 500) return { code: "DESTINATION_UNAVAILABLE", retryable: true };
  return undefined;
}

/**
 * The kind of a failure every destination shares: a cancelled call, an HTTP status, a file-system
 * errno, a network failure. Undefined when only the plugin can tell what the error means.
 */
export function classifyFailure(error: unknown, status = httpStatusOf(error)): FailureKind | undefined {
  if (isAbortError(error)) return { code: "ABORTED", retryable: false };
  const byStatus = status === undefined ? undefined : httpFailure(status);
  if (byStatus) return byStatus;
  const errno = (error as { code?: unknown } | undefined)?.code;
  if (typeof errno === "string" && ERRNO_KINDS[errno]) return { code: ERRNO_KINDS[errno], retryable: false };
  if (isNetworkError(error)) return { code: "DESTINATION_UNAVAILABLE", retryable: true };
  return undefined;
}

/** What to do, for the codes whose fix does not depend on the service. */
const DEFAULT_HINTS: Partial<Record<ErrorCode, string>> = {
  DESTINATION_UNAVAILABLE: "check the network and that the service is up; the next run tries again",
  DESTINATION_RATE_LIMITED:
    "the service asked cairn to slow down; the next run tries again (spread jobs out in time if it keeps happening)",
  DESTINATION_QUOTA: "free space there, or lower the job's retention (maxCount, maxTotalSize, minFreeSpace)",
};

export interface DestinationErrorOptions {
  /** The HTTP status, where the SDK keeps it somewhere httpStatusOf does not look. */
  status?: number;
  /** The plugin's fix for a code, where it knows better than the default (which permission, which option). */
  hints?: Partial<Record<ErrorCode, string>>;
}

/**
 * Turns what an SDK threw into a CairnError, after the plugin has mapped what only its service
 * says: the shared conditions get their shared code, anything else DESTINATION_IO. `message` says
 * what failed and where; the original error is always kept as `cause`.
 */
export function toDestinationError(
  error: unknown,
  message: string,
  options: DestinationErrorOptions = {},
): CairnError {
  if (CairnError.is(error)) return error;
  const kind = classifyFailure(error, options.status ?? httpStatusOf(error)) ?? {
    code: "DESTINATION_IO",
    retryable: false,
  };
  return new CairnError(kind.code, message, {
    cause: error,
    retryable: kind.retryable,
    hint: options.hints?.[kind.code] ?? DEFAULT_HINTS[kind.code],
  });
}
