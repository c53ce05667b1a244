import { parseSize, SizeError } from "../retention/size.js";

/** Bytes per second; undefined means no limit. */
export type Rate = number | undefined;

/** A limit that may change with the time of day (and the day of the week), as rclone's `--bwlimit`. */
export interface BandwidthSchedule {
  /** The rules, sorted by when in the week they start; one rule with `at: 0` for a fixed limit. */
  rules: { at: number; rate: Rate }[];
  /** The text it was read from, for messages. */
  text: string;
}

export class ScheduleError extends Error {
  override name = "ScheduleError";
}

const MINUTES_PER_DAY = 24 * 60;
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const RULE = /^(?:(?<day>[A-Za-z]{3})-)?(?<hh>\d{1,2}):(?<mm>\d{2}),(?<rate>.+)$/;

/**
 * A rate: a size per second (`10MiB/s`, `512k`, `2.5MB`; `/s` may be left out), or `off`.
 * Sizes are read as everywhere in cairn: `MB` decimal, `MiB` and a bare `M` binary; a bare
 * number is bytes (rclone's would be KiB).
 */
export function parseRate(text: string | number): Rate {
  if (typeof text === "string" && /^(off|unlimited)$/i.test(text.trim())) return undefined;
  const size = typeof text === "number" ? text : text.trim().replace(/\s*\/\s*s(ec(ond)?)?$/i, "");
  try {
    const bytes = parseSize(size);
    if (bytes === 0) throw new SizeError("0");
    return bytes;
  } catch (error) {
    if (!(error instanceof SizeError)) throw error;
    throw new ScheduleError(
      `cannot read the rate "${text}": write a size per second such as "10MiB/s", "500kB/s" or "2M", or "off"`,
    );
  }
}

/**
 * `10MiB/s` (always), or rules `HH:MM,RATE` separated by spaces, each holding from its time until
 * the next one's: `"08:00,512k 19:00,off"`. Before the first rule of the day the last one holds,
 * as in rclone. A rule may name a weekday (`Mon-08:00,512k`); then every rule must, and the
 * schedule repeats weekly.
 */
export function parseBandwidth(input: string | number): BandwidthSchedule {
  const text = String(input).trim();
  const parts = text.split(/\s+/);
  if (parts.length === 1 && !parts[0]!.includes(","))
    return { text, rules: [{ at: 0, rate: parseRate(input) }] };
  const rules = parts.map((part) => {
    const match = RULE.exec(part);
    if (!match?.groups) {
      throw new ScheduleError(
        `cannot read "${part}" in "${text}": write HH:MM,RATE such as "08:00,512k" or "19:00,off"`,
      );
    }
    const { day, hh, mm, rate } = match.groups as { day?: string; hh: string; mm: string; rate: string };
    const hours = Number(hh);
    const minutes = Number(mm);
    if (hours > 23 || minutes > 59)
      throw new ScheduleError(`"${hh}:${mm}" in "${text}" is not a time of day`);
    const weekday = day === undefined ? undefined : DAYS.indexOf(day.toLowerCase());
    if (weekday === -1) throw new ScheduleError(`"${day}" in "${text}" is not a weekday (Mon, Tue, ... Sun)`);
    return { weekday, at: (weekday ?? 0) * MINUTES_PER_DAY + hours * 60 + minutes, rate: parseRate(rate) };
  });
  const weekly = rules.filter((r) => r.weekday !== undefined).length;
  if (weekly !== 0 && weekly !== rules.length) {
    throw new ScheduleError(
      `"${text}" names a weekday in some rules but not all: name one in every rule, or in none`,
    );
  }
  const sorted = rules.map(({ at, rate }) => ({ at, rate })).sort((a, b) => a.at - b.at);
  if (weekly === 0) {
    // A daily schedule is a weekly one whose days are all alike.
    const week = DAYS.flatMap((_, d) =>
      sorted.map((r) => ({ at: r.at + d * MINUTES_PER_DAY, rate: r.rate })),
    );
    return { text, rules: week };
  }
  return { text, rules: sorted };
}

/** The rate in force at `when`, in the machine's local time. */
export function rateAt(schedule: BandwidthSchedule, when: Date): Rate {
  const minute = when.getDay() * MINUTES_PER_DAY + when.getHours() * 60 + when.getMinutes();
  let current = schedule.rules.at(-1)!;
  for (const rule of schedule.rules) {
    if (rule.at > minute) break;
    current = rule;
  }
  return current.rate;
}
