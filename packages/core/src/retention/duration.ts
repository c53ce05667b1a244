/**
 * A retention window such as `1y6m3d2h`. Years, months and days are calendar units (applied to
 * the wall clock in the policy's time zone, as restic does with Go's AddDate); hours are
 * elapsed time.
 */
export interface CalendarDuration {
  years: number;
  months: number;
  days: number;
  hours: number;
}

export class DurationError extends Error {
  override name = "DurationError";
}

const RESTIC_PART = /(-?\d+)([a-zA-Z]*)/y;
const ISO = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?)?$/i;

const UNIT_HELP = 'use y (years), m (months), d (days) and h (hours), like "1y6m", or ISO 8601 like "P2W"';

/**
 * Parses restic's duration grammar (`<n><unit>` repeated, units y/m/d/h, a repeated unit
 * replacing the earlier one) or ISO 8601 `PnYnMnWnDTnH`. Negative parts, unknown units
 * (`2w`, `30min`) and fractions are errors.
 */
export function parseDuration(text: string): CalendarDuration {
  const input = text.trim();
  if (input === "") throw new DurationError(`empty duration: ${UNIT_HELP}`);
  if (/[.,]/.test(input)) {
    throw new DurationError(
      `duration "${input}" has a fraction: use whole numbers, like "1d12h" for a day and a half`,
    );
  }
  if (/^P/i.test(input)) return parseIso(input);

  const result: CalendarDuration = { years: 0, months: 0, days: 0, hours: 0 };
  RESTIC_PART.lastIndex = 0;
  while (RESTIC_PART.lastIndex < input.length) {
    const at = RESTIC_PART.lastIndex;
    const match = RESTIC_PART.exec(input);
    if (!match) {
      throw new DurationError(`cannot read duration "${input}" at "${input.slice(at)}": ${UNIT_HELP}`);
    }
    const amount = Number(match[1]);
    const unit = match[2] ?? "";
    if (amount < 0) throw new DurationError(`duration "${input}" has a negative part "${match[0]}"`);
    if (!Number.isSafeInteger(amount)) throw new DurationError(`duration "${input}" is too large`);
    switch (unit) {
      case "y":
        result.years = amount;
        break;
      case "m":
        result.months = amount;
        break;
      case "d":
        result.days = amount;
        break;
      case "h":
        result.hours = amount;
        break;
      default:
        throw new DurationError(
          unit === ""
            ? `duration "${input}" has a number without a unit: ${UNIT_HELP}`
            : `duration "${input}" has an unknown unit "${unit}": ${UNIT_HELP}`,
        );
    }
  }
  return result;
}

function parseIso(input: string): CalendarDuration {
  const match = ISO.exec(input);
  if (!match || input.toUpperCase() === "P" || /T$/i.test(input)) {
    throw new DurationError(
      `cannot read ISO 8601 duration "${input}": cairn takes years, months, weeks, days and hours (PnYnMnWnDTnH)`,
    );
  }
  const n = (i: number) => Number(match[i] ?? 0);
  return { years: n(1), months: n(2), days: n(3) * 7 + n(4), hours: n(5) };
}

export function isZeroDuration(d: CalendarDuration): boolean {
  return d.years === 0 && d.months === 0 && d.days === 0 && d.hours === 0;
}

/** restic's canonical spelling, used in reasons: `1y1d1m` prints as `1y1m1d`. */
export function formatDuration(d: CalendarDuration): string {
  let out = "";
  if (d.years) out += `${d.years}y`;
  if (d.months) out += `${d.months}m`;
  if (d.days) out += `${d.days}d`;
  if (d.hours) out += `${d.hours}h`;
  return out || "0h";
}
