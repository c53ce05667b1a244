import type { ServerResponse } from "node:http";

// The reasons Cloud Storage puts in `error.errors[].reason` for each status; the SDK's
// retry decision and cairn's error mapping both read them.
const REASONS: Record<number, string> = {
  400: "invalid",
  401: "required",
  403: "forbidden",
  404: "notFound",
  409: "conflict",
  412: "conditionNotMet",
  413: "uploadTooLarge",
  429: "rateLimitExceeded",
  499: "clientClosedRequest",
  500: "backendError",
  503: "backendError",
};

/** An error the emulator answers with, in the JSON API's error format. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: string = REASONS[status] ?? "unknown",
  ) {
    super(message);
  }
}

export function errorBody(status: number, message: string, reason = REASONS[status] ?? "unknown") {
  return {
    error: {
      code: status,
      message,
      errors: [{ message, domain: "global", reason }],
    },
  };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=UTF-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: ApiError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, error.status, errorBody(error.status, error.message, error.reason));
}
