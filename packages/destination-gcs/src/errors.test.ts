import { describeError } from "@cairn/core";
import { describe, expect, it } from "vitest";
import { mapGcsError } from "./errors.js";

const action = 'uploading "a" to gs://b/';

describe("mapGcsError", () => {
  it("turns missing Application Default Credentials into DESTINATION_AUTH with the fix", () => {
    const error = mapGcsError(
      new Error(
        "Could not load the default credentials. Browse to https://cloud.google.com/docs/authentication/getting-started for more information.",
      ),
      action,
      "b",
    );
    expect(error.code).toBe("DESTINATION_AUTH");
    expect(describeError(error)).toMatch(/gcloud auth application-default login.*keyFile/s);
  });

  it("never repeats a private key or a token that an SDK message carried", () => {
    const leaky = new Error(
      'invalid_grant: bad key "private_key":"-----BEGIN PRIVATE KEY-----\\nMIIEv\\n-----END PRIVATE KEY-----" Bearer ya29.a0AfH6SMsecret',
    );
    const text = describeError(mapGcsError(leaky, action, "b"));
    expect(text).not.toContain("MIIEv");
    expect(text).not.toContain("ya29.a0AfH6SMsecret");
    expect(text).toContain("credentials");
  });

  it("classifies statuses: 412 conflict, 429 rate limited (retryable), 5xx unavailable, 404 object or bucket", () => {
    expect(mapGcsError({ code: 412, message: "pre-conditions" }, action, "b").code).toBe(
      "DESTINATION_CONFLICT",
    );
    const limited = mapGcsError({ code: 429, message: "slow down" }, action, "b");
    expect([limited.code, limited.retryable]).toEqual(["DESTINATION_RATE_LIMITED", true]);
    // Cloud Storage also says it with 403 and a reason.
    const reason = { code: 403, message: "Rate limit", errors: [{ reason: "rateLimitExceeded" }] };
    expect(mapGcsError(reason, action, "b").code).toBe("DESTINATION_RATE_LIMITED");
    const denied = mapGcsError({ code: 403, message: "x lacks storage.objects.create access" }, action, "b");
    expect([denied.code, denied.hint]).toEqual([
      "DESTINATION_PERMISSION",
      expect.stringContaining("`storage.objects.create` on gs://b"),
    ]);
    expect(mapGcsError({ code: 502, message: "bad gateway" }, action, "b").code).toBe(
      "DESTINATION_UNAVAILABLE",
    );
    expect(
      mapGcsError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), action, "b").code,
    ).toBe("DESTINATION_UNAVAILABLE");
    expect(mapGcsError({ code: 404, message: "No such object: b/a" }, action, "b").code).toBe("NOT_FOUND");
    expect(
      mapGcsError({ code: 404, message: "The specified bucket does not exist." }, action, "b").code,
    ).toBe("DESTINATION_NOT_FOUND");
  });
});
