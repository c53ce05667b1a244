import {
  type CronCalendar,
  cannotExpress,
  isEvery,
  readCron,
  runsOf,
  stepOf,
  type WeekdayRule,
} from "./cron-calendar.js";
import { type ServiceCommand, serviceName, taskName } from "./service-command.js";

const WEEKDAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** A list in systemd.time(7)'s form: `*`, `0/15`, `01..05,10`. */
function field(values: readonly number[], low: number, high: number, width = 2): string {
  if (isEvery(values, low, high)) return "*";
  const step = stepOf(values, high);
  if (step !== undefined) return `${pad(values[0]!, width)}/${step}`;
  return runsOf(values)
    .map(([a, b]) =>
      b - a >= 2
        ? `${pad(a, width)}..${pad(b, width)}`
        : a === b
          ? pad(a, width)
          : `${pad(a, width)},${pad(b, width)}`,
    )
    .join(",");
}

/** One OnCalendar line's weekdays and day of month (`-15..21`, `~01`, `~07/1`). */
interface DayLine {
  weekdays?: number[];
  days: string;
}

const dates = (values: readonly number[]) => `-${field(values, 1, 31)}`;
const nth = (k: number) => `-${pad(7 * k - 6)}..${pad(Math.min(7 * k, 31))}`;
// systemd.time(7): "Mon *-05~07/1" is the last Monday in May, i.e. a Monday among its last 7 days.
const LAST_DAY = "~01";
const LAST_WEEK = "~07/1";

function monthDayLines(calendar: CronCalendar): DayLine[] {
  const rule = calendar.monthDays!;
  if (rule.nearestWeekdays.length > 0 || rule.lastWeekday) {
    throw cannotExpress(
      "systemd",
      calendar,
      "OnCalendar has no nearest weekday of a day of the month (W, LW)",
    );
  }
  return [
    ...(rule.dates.length > 0 ? [{ days: dates(rule.dates) }] : []),
    ...(rule.last ? [{ days: LAST_DAY }] : []),
  ];
}

function weekdayLines(rules: readonly WeekdayRule[]): DayLine[] {
  const every = rules.filter((r) => r.occurrences === "every").map((r) => r.day);
  const lines: DayLine[] = every.length > 0 ? [{ weekdays: every, days: "" }] : [];
  for (const rule of rules) {
    if (rule.occurrences === "every") continue;
    for (const which of rule.occurrences) {
      lines.push({ weekdays: [rule.day], days: which === "last" ? LAST_WEEK : nth(which) });
    }
  }
  return lines;
}

/** Both a day of the month and a weekday (croner's `+`): each weekday on the given days. */
function bothLines(calendar: CronCalendar): DayLine[] {
  const rule = calendar.monthDays!;
  const lines: DayLine[] = [];
  for (const weekday of calendar.weekdays!) {
    if (weekday.occurrences === "every") {
      lines.push(...monthDayLines(calendar).map((line) => ({ ...line, weekdays: [weekday.day] })));
      continue;
    }
    for (const which of weekday.occurrences) {
      if (which === "last" || rule.last) {
        throw cannotExpress(
          "systemd",
          calendar,
          "OnCalendar cannot ask for the last days of a month and other days together",
        );
      }
      const inWeek = rule.dates.filter((d) => d > 7 * (which - 1) && d <= 7 * which);
      if (inWeek.length > 0) lines.push({ weekdays: [weekday.day], days: dates(inWeek) });
    }
  }
  return lines;
}

/**
 * The OnCalendar= lines of a cron schedule (systemd.time(7)); a timer with several starts at
 * each. Cron's "day of month or weekday" becomes one line for each, which systemd reads as
 * either; `L` and `5#3` have OnCalendar forms of their own, `W` has none.
 */
export function toOnCalendar(schedule: string, timeZone: string): string[] {
  const calendar = readCron(schedule);
  const { monthDays, weekdays } = calendar;
  let days: DayLine[];
  if (!monthDays && !weekdays) days = [{ days: "-*" }];
  else if (!weekdays) days = monthDayLines(calendar);
  else if (!monthDays) days = weekdayLines(weekdays);
  else if (calendar.combine === "either") days = [...monthDayLines(calendar), ...weekdayLines(weekdays)];
  else days = bothLines(calendar);
  if (days.length === 0) throw cannotExpress("systemd", calendar, "no day ever matches it");

  const years = calendar.years ? field(calendar.years, 1, 9999, 4) : "*";
  const date = `${years}-${field(calendar.months, 1, 12)}`;
  const time = `${field(calendar.hours, 0, 23)}:${field(calendar.minutes, 0, 59)}:${field(calendar.seconds, 0, 59)}`;
  return days.map((line) => {
    const dow = line.weekdays ? `${line.weekdays.map((d) => WEEKDAY_NAMES[d]).join(",")} ` : "";
    return `${dow}${date}${line.days || "-*"} ${time} ${timeZone}`;
  });
}

function quoteSystemd(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `"${arg.replace(/(["\\])/g, "\\$1").replace(/%/g, "%%")}"`;
}

export function systemdUnits(command: ServiceCommand): { service: string; timer: string } {
  const name = serviceName(command);
  const service = `# ${name}.service: one ${taskName(command)} of cairn job "${command.job}". Started by ${name}.timer.
[Unit]
Description=cairn ${taskName(command)} of job ${command.job}
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
WorkingDirectory=${command.workingDirectory.replace(/%/g, "%%")}
ExecStart=${command.argv.map(quoteSystemd).join(" ")}
# Backups are background work: leave the CPU and the disk to everything else first.
Nice=10
IOSchedulingClass=idle
`;
  const onCalendar = toOnCalendar(command.schedule, command.timeZone)
    .map((line) => `OnCalendar=${line}\n`)
    .join("");
  const timer = `# ${name}.timer: install both files in /etc/systemd/system, then
#   systemctl daemon-reload && systemctl enable --now ${name}.timer
[Unit]
Description=Schedule for the ${taskName(command)} of cairn job ${command.job}

[Timer]
${onCalendar}${command.catchUp ? "# A run missed while the machine was off or asleep happens once at boot or wake.\nPersistent=true\n" : ""}Unit=${name}.service

[Install]
WantedBy=timers.target
`;
  return { service, timer };
}
