import type { ServerResponse } from "node:http";

/**
 * A Dropbox API error, answered the way the service answers: a JSON envelope with
 * `error_summary` (the tag path, then a `/..` that clients must not parse) and `error`.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly summary: string,
    readonly error: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(summary);
  }
}

/** A route error (HTTP 409): `error` is the route's error union. */
export function routeError(error: Record<string, unknown>): ApiError {
  return new ApiError(409, `${tagPath(error).join("/")}/..`, error);
}

/** Follows the nested `.tag`s of a union value, as Dropbox builds `error_summary`. */
function tagPath(value: unknown): string[] {
  if (typeof value !== "object" || value === null) return [];
  const record = value as Record<string, unknown>;
  const tag = record[".tag"];
  if (typeof tag !== "string") {
    // A struct: its first union-valued field continues the path (UploadWriteFailed.reason).
    for (const field of Object.values(record)) {
      const inner = tagPath(field);
      if (inner.length > 0) return inner;
    }
    return [];
  }
  const nested = record[tag];
  if (nested !== undefined) return [tag, ...tagPath(nested)];
  const rest = Object.fromEntries(Object.entries(record).filter(([k]) => k !== ".tag"));
  return [tag, ...tagPath(rest)];
}

export function lookupNotFound(field = "path"): ApiError {
  return routeError({ ".tag": field, [field]: { ".tag": "not_found" } });
}

export function authError(tag: "expired_access_token" | "invalid_access_token" | "missing_scope"): ApiError {
  return new ApiError(401, `${tag}/..`, { ".tag": tag });
}

export function rateLimited(
  reason: "too_many_requests" | "too_many_write_operations",
  retryAfterSeconds: number,
): ApiError {
  return new ApiError(
    429,
    `${reason}/..`,
    { reason: { ".tag": reason }, retry_after: retryAfterSeconds },
    { "Retry-After": String(retryAfterSeconds) },
  );
}

/** A malformed request: Dropbox answers 400 with a plain-text explanation. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, message, message);
}

export function sendApiError(res: ServerResponse, error: ApiError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // 400 and 5xx carry plain text (or an OAuth error object); the rest the API's envelope.
  const raw = error.status === 400 || error.status >= 500;
  const text = raw && typeof error.error === "string";
  const body = raw
    ? text
      ? String(error.error)
      : JSON.stringify(error.error)
    : JSON.stringify({ error_summary: error.summary, error: error.error });
  res.writeHead(error.status, {
    "Content-Type": text ? "text/plain; charset=utf-8" : "application/json",
    ...error.headers,
  });
  res.end(body);
}

export function sendJson(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { "Content-Type": "application/json" });
  res.end(JSON.stringify(value));
}
