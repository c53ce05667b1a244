import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "./duration.js";

describe("parseDuration", () => {
  it("reads restic's grammar: years, months, days, hours", () => {
    expect(parseDuration("1y6m3d2h")).toEqual({ years: 1, months: 6, days: 3, hours: 2 });
    expect(parseDuration(" 30d ")).toEqual({ years: 0, months: 0, days: 30, hours: 0 });
  });

  it("lets a repeated unit replace the earlier one, as restic does", () => {
    expect(parseDuration("1d2d")).toEqual({ years: 0, months: 0, days: 2, hours: 0 });
  });

  it("reads ISO 8601, with weeks as seven days", () => {
    expect(parseDuration("P1Y2M3W4DT5H")).toEqual({ years: 1, months: 2, days: 25, hours: 5 });
    expect(parseDuration("P2W")).toEqual({ years: 0, months: 0, days: 14, hours: 0 });
  });

  it.each([
    ["2w", /unknown unit "w"/],
    ["30min", /unknown unit "min"/],
    ["-1d", /negative/],
    ["5", /without a unit/],
    ["", /empty/],
    ["1.5d", /fraction/],
    ["PT30M", /ISO 8601/],
    ["P", /ISO 8601/],
  ])("refuses %j with a message that says what is wrong", (text, message) => {
    expect(() => parseDuration(text)).toThrow(message);
  });

  it("prints restic's canonical order in reasons", () => {
    expect(formatDuration(parseDuration("1y1d1m"))).toBe("1y1m1d");
    expect(formatDuration(parseDuration("2h13d"))).toBe("13d2h");
  });
});
