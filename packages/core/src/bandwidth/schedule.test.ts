import { describe, expect, it } from "vitest";
import { Bandwidth } from "./bandwidth.js";
import { parseBandwidth, parseRate, rateAt } from "./schedule.js";

const MiB = 1024 * 1024;
/** A local time on a known weekday: 2026-12-07 is a Monday. */
const at = (day: number, hh: number, mm = 0) => new Date(2026, 11, 7 + day, hh, mm);

describe("bandwidth limits", () => {
  it("reads rates as sizes per second, in cairn's units, or off", () => {
    expect(parseRate("10MiB/s")).toBe(10 * MiB);
    expect(parseRate("10 MB/s")).toBe(10_000_000);
    expect(parseRate("512k")).toBe(512 * 1024);
    expect(parseRate(1_000_000)).toBe(1_000_000);
    expect(parseRate("off")).toBeUndefined();
    expect(() => parseRate("fast")).toThrow(/cannot read the rate "fast".*10MiB\/s/);
    expect(() => parseRate("0")).toThrow(/cannot read the rate/);
  });

  it("follows a time-of-day schedule as rclone does, the last rule holding past midnight", () => {
    const schedule = parseBandwidth("08:00,512k 12:00,10M 13:00,512k 19:00,off");
    expect(rateAt(schedule, at(0, 7, 59))).toBeUndefined();
    expect(rateAt(schedule, at(0, 8, 0))).toBe(512 * 1024);
    expect(rateAt(schedule, at(2, 12, 30))).toBe(10 * MiB);
    expect(rateAt(schedule, at(4, 18, 59))).toBe(512 * 1024);
    expect(rateAt(schedule, at(6, 23, 0))).toBeUndefined();
    expect(rateAt(parseBandwidth("2MiB/s"), at(3, 3))).toBe(2 * MiB);
  });

  it("takes weekdays, the week wrapping around", () => {
    const schedule = parseBandwidth("Mon-08:00,1M Fri-18:00,off");
    expect(rateAt(schedule, at(0, 7))).toBeUndefined(); // Monday 07:00: Friday's rule still holds
    expect(rateAt(schedule, at(2, 3))).toBe(MiB); // Wednesday
    expect(rateAt(schedule, at(5, 12))).toBeUndefined(); // Saturday
    expect(() => parseBandwidth("Mon-08:00,1M 18:00,off")).toThrow(/in some rules but not all/);
    expect(() => parseBandwidth("Mox-08:00,1M")).toThrow(/not a weekday/);
    expect(() => parseBandwidth("25:00,1M")).toThrow(/not a time of day/);
    expect(() => parseBandwidth("08:00 1M")).toThrow(/write HH:MM,RATE/);
  });

  it("lets everything through while the schedule says off, and limits once it says otherwise", async () => {
    let now = at(0, 20);
    const bandwidth = new Bandwidth(parseBandwidth("08:00,64k 19:00,off"), () => now);
    const started = performance.now();
    await bandwidth.take(100 * MiB);
    expect(performance.now() - started).toBeLessThan(100);
    now = at(1, 9);
    // 64 KiB/s from an empty bucket: 32 KiB take half a second.
    const limited = performance.now();
    await bandwidth.take(32 * 1024);
    expect(performance.now() - limited).toBeGreaterThan(400);
  });
});
