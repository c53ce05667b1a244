import { CairnError } from "../errors.js";

/** A cron expression split into its fields, seconds made explicit. */
export interface CronFields {
  second: string;
  minute: string;
  hour: string;
  day: string;
  month: string;
  weekday: string;
}

const RANGES = {
  second: [0, 59],
  minute: [0, 59],
  hour: [0, 23],
  day: [1, 31],
  month: [1, 12],
  weekday: [0, 7],
} as const satisfies Record<keyof CronFields, readonly [number, number]>;

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

export function splitCron(expression: string): CronFields {
  const parts = expression.trim().split(/\s+/);
  if (parts.length === 5) parts.unshift("0");
  if (parts.length !== 6) {
    throw new CairnError(
      "CONFIG_INVALID",
      `schedule "${expression}" needs 5 fields (or 6 with seconds first)`,
    );
  }
  const [second, minute, hour, day, month, weekday] = parts.map((p) => p.toLowerCase()) as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return {
    second,
    minute,
    hour,
    day,
    month: replaceNames(month, MONTHS, 1),
    weekday: replaceNames(weekday, DAYS, 0),
  };
}

function replaceNames(field: string, names: string[], first: number): string {
  return field.replace(/[a-z]{3}/g, (name) => {
    const index = names.indexOf(name);
    if (index < 0)
      throw new CairnError("CONFIG_INVALID", `unknown name "${name}" in schedule field "${field}"`);
    return String(index + first);
  });
}

/** Every value a field matches, or undefined for `*` (every value). */
export function expandField(name: keyof CronFields, field: string): number[] | undefined {
  if (field === "*" || field === "?") return undefined;
  const [low, high] = RANGES[name];
  const values = new Set<number>();
  for (const part of field.split(",")) {
    const match = /^(\*|\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(part);
    if (!match)
      throw new CairnError("CONFIG_INVALID", `schedule field "${field}" uses syntax cairn cannot convert`);
    const start = match[1] === "*" ? low : Number(match[1]);
    const end = match[2] !== undefined ? Number(match[2]) : match[1] === "*" || match[3] ? high : start;
    const step = match[3] ? Number(match[3]) : 1;
    if (start < low || end > high || start > end || step < 1) {
      throw new CairnError("CONFIG_INVALID", `schedule field "${field}" is out of range ${low}-${high}`);
    }
    for (let v = start; v <= end; v += step) values.add(name === "weekday" && v === 7 ? 0 : v);
  }
  return [...values].sort((a, b) => a - b);
}
