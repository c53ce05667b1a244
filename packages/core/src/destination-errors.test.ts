import { describe, expect, it } from "vitest";
import { classifyFailure, httpStatusOf, isNetworkError, toDestinationError } from "./destination-errors.js";
import { CairnError } from "./errors.js";

const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });

describe("isNetworkError", () => {
  it("knows resets, timeouts, refused connections and DNS failures, also as a cause", () => {
    for (const code of [
      "ECONNRESET",
      "ETIMEDOUT",
      "EPIPE",
      "ENOTFOUND",
      "ECONNREFUSED",
      "EAI_AGAIN",
      "UND_ERR_SOCKET",
    ]) {
      expect(isNetworkError(withCode(code))).toBe(true);
    }
    // What fetch throws: a TypeError whose cause is the socket's error.
    expect(isNetworkError(new TypeError("fetch failed", { cause: withCode("ECONNREFUSED") }))).toBe(true);
    expect(isNetworkError(new TypeError("fetch failed"))).toBe(true);
    expect(isNetworkError(new TypeError("terminated", { cause: new Error("other side closed") }))).toBe(true);
    // Node's happy eyeballs: one AggregateError for every address tried.
    expect(isNetworkError(new AggregateError([withCode("ECONNREFUSED")], "connect failed"))).toBe(true);
  });

  it("is not fooled by a bug's TypeError, an abort or a plain failure", () => {
    expect(isNetworkError(new TypeError("Cannot read properties of undefined"))).toBe(false);
    expect(isNetworkError(Object.assign(new Error("stop"), { name: "AbortError" }))).toBe(false);
    expect(isNetworkError(withCode("ENOENT"))).toBe(false);
    const loop: { cause?: unknown } = {};
    loop.cause = loop;
    expect(isNetworkError(loop)).toBe(false);
  });
});

describe("classifyFailure", () => {
  it.each([
    [401, "DESTINATION_AUTH", false],
    [403, "DESTINATION_PERMISSION", false],
    [404, "NOT_FOUND", false],
    [412, "DESTINATION_CONFLICT", false],
    [429, "DESTINATION_RATE_LIMITED", true],
    [507, "DESTINATION_QUOTA", false],
    [408, "DESTINATION_UNAVAILABLE", true],
    [503, "DESTINATION_UNAVAILABLE", true],
  ])("HTTP %i is %s (retryable: %s)", (status, code, retryable) => {
    expect(classifyFailure({ status })).toEqual({ code, retryable });
  });

  it("reads the status where SDKs keep it", () => {
    expect(httpStatusOf({ $metadata: { httpStatusCode: 503 } })).toBe(503);
    expect(httpStatusOf({ code: 429 })).toBe(429);
    expect(httpStatusOf({ response: { status: 401 } })).toBe(401);
    expect(httpStatusOf({ code: 2 })).toBeUndefined();
  });

  it("maps file-system errnos, network failures and aborts; leaves the rest to the plugin", () => {
    expect(classifyFailure(withCode("ENOSPC"))?.code).toBe("DESTINATION_QUOTA");
    expect(classifyFailure(withCode("EACCES"))?.code).toBe("DESTINATION_PERMISSION");
    expect(classifyFailure(withCode("ECONNRESET"))).toEqual({
      code: "DESTINATION_UNAVAILABLE",
      retryable: true,
    });
    expect(classifyFailure(new DOMException("stop", "AbortError"))?.code).toBe("ABORTED");
    expect(classifyFailure(new Error("something odd"))).toBeUndefined();
  });
});

describe("toDestinationError", () => {
  it("keeps the cause, takes the plugin's hint for the code and falls back to DESTINATION_IO", () => {
    const cause = { status: 403 };
    const error = toDestinationError(cause, "cannot write x", {
      hints: { DESTINATION_PERMISSION: "grant it" },
    });
    expect(error).toMatchObject({
      code: "DESTINATION_PERMISSION",
      hint: "grant it",
      message: "cannot write x",
    });
    expect(error.cause).toBe(cause);
    const odd = toDestinationError(new Error("odd"), "cannot write x");
    expect([odd.code, odd.retryable]).toEqual(["DESTINATION_IO", false]);
    expect(toDestinationError(withCode("ETIMEDOUT"), "m").hint).toMatch(/next run tries again/);
  });

  it("passes a CairnError through untouched", () => {
    const mapped = new CairnError("NOT_FOUND", "gone");
    expect(toDestinationError(mapped, "other")).toBe(mapped);
  });
});
