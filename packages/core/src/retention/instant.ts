/**
 * A point in time with nanosecond precision: manifests and restic-made histories carry up to
 * nine fractional digits, and two backups a microsecond apart must still sort correctly.
 */
export interface Instant {
  /** Milliseconds since the epoch, rounded down. */
  ms: number;
  /** Nanoseconds past `ms` (0 to 999,999). */
  sub: number;
}

export class TimeError extends Error {
  override name = "TimeError";
}

const ISO_TIME =
  /^(-?\d{4,6})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Reads a Date, or an ISO 8601 string with `Z` or an offset; a time without one is UTC. */
export function toInstant(value: Date | string): Instant {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new TimeError("invalid Date");
    return { ms, sub: 0 };
  }
  const match = ISO_TIME.exec(value.trim());
  if (!match) throw new TimeError(`cannot read time "${value}": expected ISO 8601 like 2026-11-22T03:00:00Z`);
  const [, y, mo, d, h = "0", mi = "0", s = "0", fraction = "", zone = "Z"] = match;
  const digits = fraction.padEnd(9, "0");
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), Number(digits.slice(0, 3)));
  let ms = date.getTime() - offsetMinutes(zone) * 60_000;
  if (Number.isNaN(ms)) throw new TimeError(`time "${value}" is out of range`);
  if (date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) {
    throw new TimeError(`time "${value}" names a day that does not exist`);
  }
  ms = Math.floor(ms);
  return { ms, sub: Number(digits.slice(3)) };
}

function offsetMinutes(zone: string): number {
  if (zone.toUpperCase() === "Z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0));
}

export function compareInstants(a: Instant, b: Instant): number {
  return a.ms - b.ms || a.sub - b.sub;
}

export function formatInstant(instant: Instant): string {
  const iso = new Date(instant.ms).toISOString();
  if (instant.sub === 0) return iso;
  return `${iso.slice(0, -1)}${String(instant.sub).padStart(6, "0").replace(/0+$/, "")}Z`;
}
