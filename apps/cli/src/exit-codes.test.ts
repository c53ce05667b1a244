import { CairnError } from "@cairn/core";
import { describe, expect, it } from "vitest";
import { exitCodeFor, exitCodeForOutcomes } from "./exit-codes.js";

describe("exit codes", () => {
  it("0 when every destination succeeded, 3 when some did, 1 when none did", () => {
    expect(exitCodeForOutcomes([true, true])).toBe(0);
    expect(exitCodeForOutcomes([true, false])).toBe(3);
    expect(exitCodeForOutcomes([false, false])).toBe(1);
  });

  it("2 for config and usage errors, 1 for the rest", () => {
    expect(exitCodeFor(new CairnError("CONFIG_INVALID", "x"))).toBe(2);
    expect(exitCodeFor(new CairnError("USAGE", "x"))).toBe(2);
    expect(exitCodeFor(new CairnError("LOCKED", "x"))).toBe(1);
    expect(exitCodeFor(new Error("boom"))).toBe(1);
  });
});
