import { describe, expect, it } from "vitest";
import { isoWeek } from "./buckets.js";
import { parseDuration } from "./duration.js";
import { formatInstant, toInstant } from "./instant.js";
import { createZone } from "./zone.js";

const minus = (zone: string, time: string, duration: string) =>
  formatInstant(createZone(zone).subtract(toInstant(time), parseDuration(duration)));

describe("time zones", () => {
  it("reads wall clocks in the zone, so a backup at 23:30 UTC is on the next day in Berlin", () => {
    const ms = toInstant("2026-11-22T23:30:00Z").ms;
    expect(createZone("UTC").wall(ms)).toEqual({ year: 2026, month: 11, day: 22, hour: 23 });
    expect(createZone("Europe/Berlin").wall(ms)).toEqual({ year: 2026, month: 11, day: 23, hour: 0 });
    expect(createZone("-05:00").wall(ms)).toEqual({ year: 2026, month: 11, day: 22, hour: 18 });
    expect(createZone("Australia/Lord_Howe").wall(ms).hour).toBe(10);
  });

  it("measures calendar days across a DST change on the wall clock, as Go's AddDate does", () => {
    // Berlin went to summer time on 2026-03-29: seven days back is 167 elapsed hours.
    expect(minus("Europe/Berlin", "2026-04-01T10:00:00Z", "7d")).toBe("2026-03-25T11:00:00.000Z");
    expect(minus("UTC", "2026-04-01T10:00:00Z", "7d")).toBe("2026-03-25T10:00:00.000Z");
  });

  it("resolves a wall time that DST skips the way Go does", () => {
    // 2026-03-29 02:30 does not exist in Berlin; Go reads it with the winter offset (+01:00).
    expect(minus("Europe/Berlin", "2026-03-30T00:30:00Z", "1d")).toBe("2026-03-29T01:30:00.000Z");
  });

  it("rolls a day past the end of a month over, as Go's time.Date does", () => {
    expect(minus("UTC", "2024-03-31T12:00:00Z", "1m")).toBe("2024-03-02T12:00:00.000Z");
    expect(minus("UTC", "2023-03-31T12:00:00Z", "1m")).toBe("2023-03-03T12:00:00.000Z");
  });

  it("keeps nanoseconds through the arithmetic", () => {
    expect(minus("UTC", "2026-01-02T00:00:00.123456789Z", "1d")).toBe("2026-01-01T00:00:00.123456789Z");
  });

  it("refuses an unknown zone", () => {
    expect(() => createZone("Mars/Olympus")).toThrow(/unknown time zone "Mars\/Olympus"/);
  });

  it("numbers ISO weeks from the week holding January 4", () => {
    expect(isoWeek({ year: 2019, month: 12, day: 30 })).toEqual({ year: 2020, week: 1 });
    expect(isoWeek({ year: 2021, month: 1, day: 3 })).toEqual({ year: 2020, week: 53 });
    expect(isoWeek({ year: 2026, month: 11, day: 22 })).toEqual({ year: 2026, week: 47 });
  });
});
