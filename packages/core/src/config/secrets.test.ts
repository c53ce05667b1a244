import { describe, expect, it } from "vitest";
import { redactCredentials, SecretSet } from "./secrets.js";

describe("SecretSet, the one redactor", () => {
  it("hides every value it holds, and values a plugin adds later", () => {
    const secrets = new SecretSet();
    secrets.add("hunter2-password");
    secrets.add("abc"); // too short to hide without hiding ordinary words
    expect(secrets.redact("login hunter2-password failed for abc")).toBe("login [redacted] failed for abc");
    secrets.add("pa:ss\\word");
    expect(secrets.redact("pg_dump: password pa:ss\\word rejected")).toBe(
      "pg_dump: password [redacted] rejected",
    );
  });

  it("hides text shaped like a credential that no config named: keys, bearer and OAuth tokens", () => {
    const leaky =
      'invalid_grant: "private_key":"-----BEGIN PRIVATE KEY-----\\nMIIEv\\n-----END PRIVATE KEY-----" Authorization: Bearer eyJhbGci.x-y ya29.a0AfH6SMsecret';
    for (const text of [new SecretSet().redact(leaky), redactCredentials(leaky)]) {
      expect(text).not.toMatch(/MIIEv|eyJhbGci|a0AfH6SMsecret/);
      expect(text).toContain("invalid_grant");
    }
  });
});
