import { describe, expect, it } from "vitest";
import { formatClockDuration, parseClockDuration } from "./clock-duration.js";

describe("parseClockDuration", () => {
  it.each([
    ["10m", 600_000],
    ["90s", 90_000],
    ["1h30m", 5_400_000],
    ["2d", 172_800_000],
    ["500ms", 500],
    ["1.5h", 5_400_000],
  ])("reads %s", (text, ms) => {
    expect(parseClockDuration(text)).toBe(ms);
  });

  it.each(["", "10", "ten minutes", "10m later", "m"])("refuses %j", (text) => {
    expect(parseClockDuration(text)).toBeUndefined();
  });
});

describe("formatClockDuration", () => {
  it.each([
    [600_000, "10m"],
    [90_000, "1m30s"],
    [1500, "1.5s"],
    [250, "250ms"],
  ])("writes %d as %s", (ms, text) => {
    expect(formatClockDuration(ms)).toBe(text);
    expect(parseClockDuration(text)).toBe(ms);
  });
});
