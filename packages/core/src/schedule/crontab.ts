import {
  type CronCalendar,
  isEvery,
  readCron,
  refuseBeyondClassicCron,
  runsOf,
  stepOf,
} from "./cron-calendar.js";
import type { ServiceCommand } from "./service-command.js";

/** A field in crontab(5)'s form: `*`, `*\/15`, `1-5,10`. */
function field(values: readonly number[], low: number, high: number): string {
  if (isEvery(values, low, high)) return "*";
  const step = stepOf(values, high);
  if (step !== undefined) return values[0] === low ? `*/${step}` : `${values[0]}-${high}/${step}`;
  return runsOf(values)
    .map(([a, b]) => (b - a >= 2 ? `${a}-${b}` : a === b ? `${a}` : `${a},${b}`))
    .join(",");
}

/** The five fields Vixie cron and cronie read; what they have no field for is refused with the reason. */
function cronFields(calendar: CronCalendar): string {
  refuseBeyondClassicCron("cron", "cron", calendar);
  const days = calendar.monthDays;
  // A day field that is not `*` stays spelled out even when it names every day: cron reads
  // "1-31" with a weekday as "either", where `*` would mean the weekday alone.
  const monthDays = days
    ? runsOf(days.dates)
        .map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`))
        .join(",")
    : "*";
  const weekdays = calendar.weekdays
    ? runsOf(calendar.weekdays.map((w) => w.day))
        .map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`))
        .join(",")
    : "*";
  return [
    field(calendar.minutes, 0, 59),
    field(calendar.hours, 0, 23),
    monthDays,
    field(calendar.months, 1, 12),
    weekdays,
  ].join(" ");
}

function quoteShell(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

/** A crontab entry (with CRON_TZ, which cronie and Debian's cron honour). */
export function crontabLines(command: ServiceCommand): string {
  const when = cronFields(readCron(command.schedule));
  const run = `cd ${quoteShell(command.workingDirectory)} && ${command.argv.map(quoteShell).join(" ")} >> ${quoteShell(command.logFile)} 2>&1`;
  return `# cairn job ${command.job}${command.task === "drill" ? ": restore drill" : ""}\nCRON_TZ=${command.timeZone}\n${when} ${run}\n`;
}
