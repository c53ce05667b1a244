import { describe, expect, it } from "vitest";
import { samplePositions } from "./sample.js";

describe("samplePositions", () => {
  it("gives exactly the count asked for, distinct and in range, and everything when asked for more", () => {
    for (let round = 0; round < 50; round++) {
      const chosen = samplePositions(40, 7);
      expect(chosen.size).toBe(7);
      for (const position of chosen) expect(position >= 0 && position < 40).toBe(true);
    }
    expect([...samplePositions(5, 100)].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(samplePositions(0, 3).size).toBe(0);
  });

  it("reaches every position: a sample is not always the same few", () => {
    const seen = new Set<number>();
    for (let round = 0; round < 400; round++)
      for (const position of samplePositions(20, 2)) seen.add(position);
    // 800 draws of 20 positions: one never drawn has odds of about 1 in 10^17.
    expect(seen.size).toBe(20);
  });
});
