import { CronPattern } from "croner";
import { CairnError } from "../errors.js";

/** Which occurrence of a weekday in its month: the 1st to 5th, or the last. */
export type Occurrence = 1 | 2 | 3 | 4 | 5 | "last";

export interface WeekdayRule {
  /** 0 is Sunday. */
  day: number;
  /** "every" for each such weekday; otherwise which ones in the month (`5#3`, `5#L`). */
  occurrences: "every" | Occurrence[];
}

export interface MonthDayRule {
  /** Days of the month, 1 to 31. */
  dates: number[];
  /** `L`: the last day of the month. */
  last: boolean;
  /** `15W`: the weekday nearest to these days. */
  nearestWeekdays: number[];
  /** `LW`: the last weekday (Monday to Friday) of the month. */
  lastWeekday: boolean;
}

/**
 * A cron expression as croner reads it, so that `schedule print` means exactly what `cairn run`
 * does: the same parser, with `@daily`, `L`, `W`, `5#3` and six or seven fields.
 */
export interface CronCalendar {
  expression: string;
  seconds: number[];
  minutes: number[];
  hours: number[];
  /** 1 to 12. */
  months: number[];
  /** Undefined for every year. */
  years: number[] | undefined;
  /** Undefined when the day-of-month field is `*`. */
  monthDays: MonthDayRule | undefined;
  /** Undefined when the weekday field is `*`. */
  weekdays: WeekdayRule[] | undefined;
  /**
   * How days of the month and weekdays combine when both are given: cron's "either", or
   * "both" where the weekday field starts with `+` (croner's extension).
   */
  combine: "either" | "both";
}

const OCCURRENCE_BITS: [number, Occurrence][] = [
  [1, 1],
  [2, 2],
  [4, 3],
  [8, 4],
  [16, 5],
  [32, "last"],
];
/** croner's mark for "every such weekday": all occurrence bits set. */
const EVERY_OCCURRENCE = 63;

const indexesOf = (flags: readonly number[], offset = 0) =>
  flags.flatMap((flag, i) => (flag ? [i + offset] : []));

/** Reads a cron expression with croner's own parser; CONFIG_INVALID with croner's reason if it refuses it. */
export function readCron(expression: string): CronCalendar {
  let pattern: CronPattern;
  try {
    pattern = new CronPattern(expression);
  } catch (cause) {
    throw new CairnError(
      "CONFIG_INVALID",
      `schedule "${expression}" is not a cron expression: ${(cause as Error).message}`,
      { cause },
    );
  }
  const weekdays = pattern.dayOfWeek.flatMap((bits, day): WeekdayRule[] => {
    if (!bits) return [];
    if (bits === EVERY_OCCURRENCE) return [{ day, occurrences: "every" }];
    return [{ day, occurrences: OCCURRENCE_BITS.filter(([bit]) => bits & bit).map(([, which]) => which) }];
  });
  return {
    expression,
    seconds: indexesOf(pattern.second),
    minutes: indexesOf(pattern.minute),
    hours: indexesOf(pattern.hour),
    months: indexesOf(pattern.month, 1),
    years: pattern.starYear ? undefined : indexesOf(pattern.year),
    monthDays: pattern.starDOM
      ? undefined
      : {
          dates: indexesOf(pattern.day, 1),
          last: pattern.lastDayOfMonth,
          nearestWeekdays: indexesOf(pattern.nearestWeekdays, 1),
          lastWeekday: pattern.lastWeekday,
        },
    weekdays: pattern.starDOW ? undefined : weekdays,
    combine: pattern.useAndLogic ? "both" : "either",
  };
}

/** The error for a schedule that one OS scheduler has no way to say, with the reason. */
export function cannotExpress(scheduler: string, calendar: CronCalendar, reason: string): CairnError {
  return new CairnError(
    "CONFIG_INVALID",
    `${scheduler} cannot run schedule "${calendar.expression}": ${reason}`,
    {
      hint: "run `cairn run` as the service instead (it reads every schedule cairn accepts), or pick another scheduler",
    },
  );
}

/**
 * What classic cron and launchd's StartCalendarInterval alike have no way to say: seconds,
 * years, `L`, `W`, `#`, and a day of the month together with a weekday. `what` names the
 * scheduler's schedule in the reasons ("cron", "StartCalendarInterval").
 */
export function refuseBeyondClassicCron(scheduler: string, what: string, calendar: CronCalendar): void {
  const why = (reason: string) => cannotExpress(scheduler, calendar, reason);
  if (calendar.seconds.length !== 1 || calendar.seconds[0] !== 0) {
    throw why(`${what} starts jobs on whole minutes, and this schedule names seconds`);
  }
  if (calendar.years) throw why(`${what} has no year field`);
  const days = calendar.monthDays;
  if (days?.last || days?.lastWeekday) throw why(`${what} has no last day of the month (L)`);
  if (days && days.nearestWeekdays.length > 0) throw why(`${what} has no nearest weekday (W)`);
  if (calendar.weekdays?.some((w) => w.occurrences !== "every")) {
    throw why(`${what} has no nth or last weekday of the month (#, L)`);
  }
  if (days && calendar.weekdays && calendar.combine === "both") {
    throw why(
      `${what} starts a job when either the day of the month or the weekday matches, and this schedule wants both`,
    );
  }
}

/** Whether `values` is every value from `low` to `high`. */
export function isEvery(values: readonly number[], low: number, high: number): boolean {
  return values.length === high - low + 1 && values[0] === low;
}

/** `[1,2,3,5]` as runs: `[[1,3],[5,5]]`. */
export function runsOf(values: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const value of values) {
    const last = runs.at(-1);
    if (last && value === last[1] + 1) last[1] = value;
    else runs.push([value, value]);
  }
  return runs;
}

/** The step when `values` are `start, start+step, …` up to the last one at or below `high`. */
export function stepOf(values: readonly number[], high: number): number | undefined {
  if (values.length < 3) return undefined;
  const step = values[1]! - values[0]!;
  if (step < 2) return undefined;
  if (values.some((v, i) => v !== values[0]! + i * step)) return undefined;
  return values.at(-1)! + step > high ? step : undefined;
}
