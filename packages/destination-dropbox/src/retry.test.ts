import { DropboxResponseError } from "dropbox";
import { describe, expect, it } from "vitest";
import { judge, withRetries } from "./retry.js";

const policy = { maxRetries: 3, maxDelay: 1000, baseDelay: 100 };
const httpError = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new DropboxResponseError(status, new Headers(headers), body);

describe("retry decisions", () => {
  it("waits exactly what Retry-After asks on a 429, even past the backoff cap", () => {
    const error = httpError(
      429,
      { error_summary: "too_many_requests/..", error: { retry_after: 3 } },
      { "Retry-After": "3" },
    );
    expect(judge(error, 0, policy)).toEqual({ retry: true, delay: 3000 });
  });

  it("backs off exponentially with jitter on 5xx and network errors, capped", () => {
    for (let i = 0; i < 50; i += 1) {
      const first = judge(httpError(503, "busy"), 0, policy);
      const late = judge(new TypeError("fetch failed"), 8, policy);
      expect(first.retry && first.delay >= 50 && first.delay <= 100).toBe(true);
      expect(late.retry && late.delay >= 500 && late.delay <= 1000).toBe(true);
    }
  });

  it("refreshes the token on expired_access_token and gives up on route errors", () => {
    expect(judge(httpError(401, { error_summary: "expired_access_token/.." }), 0, policy)).toMatchObject({
      refreshToken: true,
    });
    expect(judge(httpError(409, { error_summary: "path/not_found/.." }), 0, policy)).toEqual({
      retry: false,
    });
    expect(judge(httpError(409, { error_summary: "too_many_write_operations/.." }), 0, policy).retry).toBe(
      true,
    );
  });

  it("stops after maxRetries and rethrows the last error", async () => {
    let calls = 0;
    const failing = withRetries(
      async () => {
        calls += 1;
        throw httpError(500, "down");
      },
      { ...policy, baseDelay: 1 },
      { refresh: async () => {} },
    );
    await expect(failing).rejects.toMatchObject({ status: 500 });
    expect(calls).toBe(4);
  });
});
