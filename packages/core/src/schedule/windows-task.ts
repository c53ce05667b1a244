import { type CronCalendar, cannotExpress, isEvery, readCron } from "./cron-calendar.js";
import { type ServiceCommand, taskName, xml } from "./service-command.js";

/** Each start time is a trigger of its own; past this many, `cairn run` is the better service. */
const MAX_TRIGGERS = 48;
const DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

const tags = (names: readonly string[]) => names.map((n) => `<${n} />`).join("");
const months = (calendar: CronCalendar) =>
  `<Months>${tags(calendar.months.map((m) => MONTH_NAMES[m - 1]!))}</Months>`;
const daysOfWeek = (days: readonly number[]) =>
  `<DaysOfWeek>${tags(days.map((d) => DAY_NAMES[d]!))}</DaysOfWeek>`;
const byMonth = (calendar: CronCalendar, days: readonly (number | "Last")[]) =>
  `<ScheduleByMonth><DaysOfMonth>${days.map((d) => `<Day>${d}</Day>`).join("")}</DaysOfMonth>${months(calendar)}</ScheduleByMonth>`;
const byWeekOfMonth = (
  calendar: CronCalendar,
  weeks: readonly (number | "Last")[],
  days: readonly number[],
) =>
  `<ScheduleByMonthDayOfWeek><Weeks>${weeks.map((w) => `<Week>${w}</Week>`).join("")}</Weeks>${daysOfWeek(days)}${months(calendar)}</ScheduleByMonthDayOfWeek>`;

/**
 * The calendar part of each trigger. Task Scheduler starts a task when any trigger fires, which
 * is cron's "day of month or weekday"; it has monthly triggers for `L` and for weeks 1 to 4 and
 * the last (`5#3`, `5#L`), but nothing for `W`, a fifth week, or "both".
 */
function schedulesOf(calendar: CronCalendar): string[] {
  const why = (reason: string) => cannotExpress("Task Scheduler", calendar, reason);
  if (calendar.years) throw why("cairn writes calendar triggers that repeat every year, with no year field");
  const everyMonth = isEvery(calendar.months, 1, 12);
  const { monthDays, weekdays } = calendar;
  if (monthDays && weekdays && calendar.combine === "both") {
    throw why(
      "a task starts when any of its triggers fires, so a day of the month and a weekday cannot both be required",
    );
  }
  if (monthDays && (monthDays.nearestWeekdays.length > 0 || monthDays.lastWeekday)) {
    throw why("Task Scheduler has no nearest weekday (W) trigger");
  }
  if (!monthDays && !weekdays) {
    return [
      everyMonth
        ? "<ScheduleByDay><DaysInterval>1</DaysInterval></ScheduleByDay>"
        : byMonth(
            calendar,
            Array.from({ length: 31 }, (_, i) => i + 1),
          ),
    ];
  }
  const schedules: string[] = [];
  if (monthDays)
    schedules.push(byMonth(calendar, [...monthDays.dates, ...(monthDays.last ? ["Last" as const] : [])]));
  const every = weekdays?.filter((w) => w.occurrences === "every").map((w) => w.day) ?? [];
  if (every.length > 0) {
    schedules.push(
      everyMonth
        ? `<ScheduleByWeek><WeeksInterval>1</WeeksInterval>${daysOfWeek(every)}</ScheduleByWeek>`
        : // Weeks 1 to 4 and the last one cover every such weekday, the fifth being the last.
          byWeekOfMonth(calendar, [1, 2, 3, 4, "Last"], every),
    );
  }
  for (const rule of weekdays ?? []) {
    if (rule.occurrences === "every") continue;
    if (rule.occurrences.includes(5))
      throw why("Task Scheduler's weeks of the month are 1 to 4 and the last, with no fifth");
    const weeks = rule.occurrences.map((o) => (o === "last" ? ("Last" as const) : o));
    schedules.push(byWeekOfMonth(calendar, weeks, [rule.day]));
  }
  return schedules;
}

/** Task Scheduler XML for `schtasks /create /xml FILE /tn cairn-JOB`: one trigger per start time and kind of day. */
export function windowsTaskXml(command: ServiceCommand): string {
  const calendar = readCron(command.schedule);
  const schedules = schedulesOf(calendar);
  const times = calendar.hours.flatMap((h) =>
    calendar.minutes.flatMap((m) => calendar.seconds.map((s) => [h, m, s] as const)),
  );
  if (times.length * schedules.length > MAX_TRIGGERS) {
    throw cannotExpress(
      "Task Scheduler",
      calendar,
      `it needs ${times.length * schedules.length} triggers, more than the ${MAX_TRIGGERS} cairn writes`,
    );
  }
  const pad = (n: number) => String(n).padStart(2, "0");
  const triggers = times.flatMap(([h, m, s]) =>
    schedules.map(
      (schedule) =>
        `    <CalendarTrigger>\n      <StartBoundary>2026-01-01T${pad(h)}:${pad(m)}:${pad(s)}</StartBoundary>\n      <Enabled>true</Enabled>\n      ${schedule}\n    </CalendarTrigger>`,
    ),
  );
  const [program, ...args] = command.argv;
  const quoteWin = (a: string) => (/[\s"]/.test(a) ? `"${a.replace(/"/g, '\\"')}"` : a);
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Task Scheduler uses the computer's time zone; this job's schedule is for ${xml(command.timeZone)}. -->
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Description>cairn ${taskName(command)} of job ${xml(command.job)}</Description>
  </RegistrationInfo>
  <Triggers>
${triggers.join("\n")}
  </Triggers>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <StartWhenAvailable>${command.catchUp}</StartWhenAvailable>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>
    <Priority>7</Priority>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>${xml(program ?? "")}</Command>
      <Arguments>${xml(args.map(quoteWin).join(" "))}</Arguments>
      <WorkingDirectory>${xml(command.workingDirectory)}</WorkingDirectory>
    </Exec>
  </Actions>
</Task>
`;
}
