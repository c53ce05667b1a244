import { describe, expect, it } from "vitest";
import { checkKey, checkListPrefix } from "./destination-keys.js";
import { CairnError } from "./errors.js";

const refused = (check: () => unknown) => {
  try {
    check();
  } catch (error) {
    return CairnError.is(error, "DESTINATION_KEY_INVALID") ? error.message : `other error: ${String(error)}`;
  }
  return "accepted";
};

describe("checkKey", () => {
  it("accepts cairn's own names, unicode and spaces", () => {
    for (const key of [
      "db/db-20261122T030000Z-k3f9.zip",
      "Büro 2026 ✓/db 1.zip",
      "a",
      "a/b/c.d",
      "x/..y",
      "x/.hidden",
    ]) {
      expect(checkKey(key)).toBe(key);
    }
  });

  it.each([
    ["../x", /"\.\." part/],
    ["a/../../x", /"\.\." part/],
    ["./a", /"\." part/],
    ["/etc/passwd", /absolute/],
    ["a\\..\\x", /backslash/],
    ["a\u0000b", /control character/],
    ["a\nb", /control character/],
    ["a//b", /empty part/],
    ["a/", /empty part/],
    ["", /empty/],
    ["a\ud800b", /not valid Unicode/],
    [`${"x".repeat(256)}`, /longer than 255 bytes/],
    [`${"ü/".repeat(400)}x`, /longer than 1024 bytes/],
  ])("refuses %j with DESTINATION_KEY_INVALID", (key, reason) => {
    expect(refused(() => checkKey(key))).toMatch(reason);
  });

  it("keeps the message short for a very long key", () => {
    expect(refused(() => checkKey("k".repeat(5000))).length).toBeLessThan(200);
  });
});

describe("checkListPrefix", () => {
  it("accepts everything, a folder and a name's start", () => {
    for (const prefix of ["", "db/", "db/db-2026", "a/b/"]) expect(checkListPrefix(prefix)).toBe(prefix);
  });

  it.each(["/", "../", "a/../", "/db/", "a//", "a\\b/", "a\u0000"])("refuses %j", (prefix) => {
    expect(refused(() => checkListPrefix(prefix))).toMatch(/listing prefix .* is refused/);
  });
});
