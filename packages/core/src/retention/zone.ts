import type { CalendarDuration } from "./duration.js";
import type { Instant } from "./instant.js";

/** The calendar fields of an instant as seen on a clock in the policy's time zone. */
export interface WallClock {
  year: number;
  /** 1 to 12 */
  month: number;
  day: number;
  hour: number;
}

export interface Zone {
  readonly name: string;
  wall(ms: number): WallClock;
  /** Go's `AddDate(-y, -m, -d).Add(-h)` on the wall clock of `instant` in this zone. */
  subtract(instant: Instant, duration: CalendarDuration): Instant;
}

export class TimeZoneError extends Error {
  override name = "TimeZoneError";
}

const FIXED = /^([+-])(\d{2}):?(\d{2})$/;
const DAY_MS = 86_400_000;
const QUARTER_HOUR_MS = 900_000;

/** `"UTC"`, a fixed offset like `"+05:30"`, or an IANA name like `"Europe/Berlin"`. */
export function createZone(name: string): Zone {
  if (name === "UTC" || name === "Z") return zoneFromOffsets(name, () => 0);
  const fixed = FIXED.exec(name);
  if (fixed) {
    const minutes = (fixed[1] === "-" ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3]));
    return zoneFromOffsets(name, () => minutes * 60_000);
  }
  return zoneFromOffsets(name, ianaOffsets(name));
}

function zoneFromOffsets(name: string, offsetAt: (ms: number) => number): Zone {
  return {
    name,
    wall(ms) {
      const d = new Date(ms + offsetAt(ms));
      return {
        year: d.getUTCFullYear(),
        month: d.getUTCMonth() + 1,
        day: d.getUTCDate(),
        hour: d.getUTCHours(),
      };
    },
    subtract(instant, duration) {
      const wall = new Date(instant.ms + offsetAt(instant.ms));
      // setUTCFullYear normalises overflow the way Go's time.Date does: month into year first,
      // then days past the month's end roll over (2024-03-31 minus 1m is 2024-03-02).
      wall.setUTCFullYear(
        wall.getUTCFullYear() - duration.years,
        wall.getUTCMonth() - duration.months,
        wall.getUTCDate() - duration.days,
      );
      const local = wall.getTime();
      // A wall time that a DST change skips or repeats is resolved as Go resolves it: take the
      // offset in force at the wall time read as UTC, then the one in force at the instant
      // that gives.
      const ms = local - offsetAt(local - offsetAt(local)) - duration.hours * 3_600_000;
      return { ms, sub: instant.sub };
    },
  };
}

function ianaOffsets(name: string): (ms: number) => number {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: name,
      hourCycle: "h23",
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  } catch {
    throw new TimeZoneError(
      `unknown time zone "${name}": use an IANA name like "Europe/Berlin", "UTC" or "+05:30"`,
    );
  }
  const exact = (ms: number): number => {
    const at = Math.floor(ms / 1000) * 1000;
    const parts: Record<string, string> = {};
    for (const part of format.formatToParts(at)) parts[part.type] = part.value;
    let year = Number(parts.year);
    if (parts.era === "BC" || parts.era === "B") year = 1 - year;
    const wall = new Date(0);
    wall.setUTCFullYear(year, Number(parts.month) - 1, Number(parts.day));
    wall.setUTCHours(Number(parts.hour), Number(parts.minute), Number(parts.second), 0);
    return wall.getTime() - at;
  };
  // Intl is slow next to the rest of the plan (100,000 backups must plan in well under a
  // second), and offsets change at most once on any real day: look a day up at its two ends
  // and only go finer on the days where they differ.
  const days = new Map<number, number | null>();
  const quarters = new Map<number, number>();
  return (ms) => {
    const day = Math.floor(ms / DAY_MS);
    let offset = days.get(day);
    if (offset === undefined) {
      const start = exact(day * DAY_MS);
      offset = start === exact((day + 1) * DAY_MS - 1000) ? start : null;
      days.set(day, offset);
    }
    if (offset !== null) return offset;
    const quarter = Math.floor(ms / QUARTER_HOUR_MS);
    let fine = quarters.get(quarter);
    if (fine === undefined) {
      fine = exact(quarter * QUARTER_HOUR_MS);
      quarters.set(quarter, fine);
    }
    return fine;
  };
}
