import {
  type CronCalendar,
  cannotExpress,
  isEvery,
  readCron,
  refuseBeyondClassicCron,
} from "./cron-calendar.js";
import { type ServiceCommand, xml } from "./service-command.js";

/** launchd starts a job at each of these dictionaries; more than this is better left to `cairn run`. */
const MAX_INTERVALS = 500;

type Interval = Record<string, number>;

const product = (intervals: Interval[], key: string, values: number[] | undefined): Interval[] =>
  values ? intervals.flatMap((base) => values.map((v) => ({ ...base, [key]: v }))) : intervals;

/** The StartCalendarInterval dictionaries: a key left out is any value, and launchd starts the job at each. */
function intervalsOf(calendar: CronCalendar): Interval[] {
  const months = isEvery(calendar.months, 1, 12) ? undefined : calendar.months;
  const hours = isEvery(calendar.hours, 0, 23) ? undefined : calendar.hours;
  const minutes = isEvery(calendar.minutes, 0, 59) ? undefined : calendar.minutes;
  const byMonth = product([{}], "Month", months);
  // Cron's "day of month or weekday": one set of dictionaries for each, which launchd reads as either.
  const days: Interval[] = [
    ...(calendar.monthDays ? product(byMonth, "Day", calendar.monthDays.dates) : []),
    ...(calendar.weekdays
      ? product(
          byMonth,
          "Weekday",
          calendar.weekdays.map((w) => w.day),
        )
      : []),
  ];
  return product(product(days.length > 0 ? days : byMonth, "Hour", hours), "Minute", minutes);
}

/** A launchd property list with one StartCalendarInterval entry per matching time. */
export function launchdPlist(command: ServiceCommand): string {
  const calendar = readCron(command.schedule);
  refuseBeyondClassicCron("launchd", "StartCalendarInterval", calendar);
  const intervals = intervalsOf(calendar);
  if (intervals.length > MAX_INTERVALS) {
    throw cannotExpress(
      "launchd",
      calendar,
      `it needs ${intervals.length} StartCalendarInterval entries, more than the ${MAX_INTERVALS} cairn writes`,
    );
  }
  const dict = (interval: Interval) =>
    `\t\t<dict>\n${Object.entries(interval)
      .map(([k, v]) => `\t\t\t<key>${k}</key>\n\t\t\t<integer>${v}</integer>`)
      .join("\n")}\n\t\t</dict>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- launchd reads times in the Mac's own time zone; this job's schedule is for ${xml(command.timeZone)}. -->
<plist version="1.0">
<dict>
\t<key>Label</key>
\t<string>org.cairn.backup.${xml(command.job)}</string>
\t<key>ProgramArguments</key>
\t<array>
${command.argv.map((a) => `\t\t<string>${xml(a)}</string>`).join("\n")}
\t</array>
\t<key>WorkingDirectory</key>
\t<string>${xml(command.workingDirectory)}</string>
\t<key>StartCalendarInterval</key>
\t<array>
${intervals.map(dict).join("\n")}
\t</array>
\t<key>StandardOutPath</key>
\t<string>${xml(command.logFile)}</string>
\t<key>StandardErrorPath</key>
\t<string>${xml(command.logFile)}</string>
\t<key>LowPriorityIO</key>
\t<true/>
</dict>
</plist>
`;
}
