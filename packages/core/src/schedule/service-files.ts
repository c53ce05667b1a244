import { CairnError } from "../errors.js";
import { type CronFields, expandField, splitCron } from "./cron-fields.js";

/** What runs the backup: absolute paths, so the OS scheduler needs no PATH or working folder of ours. */
export interface ServiceCommand {
  job: string;
  schedule: string;
  timeZone: string;
  catchUp: boolean;
  /** The program and its arguments, e.g. [node, /opt/cairn/main.js, backup, db, --config, /etc/cairn.yaml]. */
  argv: string[];
  workingDirectory: string;
  /** Where cron and launchd write the run's output. */
  logFile: string;
}

const WEEKDAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

function systemdField(name: keyof CronFields, field: string, width: number): string {
  if (field === "*" || field === "?") return "*";
  const step = /^\*\/(\d+)$/.exec(field);
  if (step) return `${name === "day" || name === "month" ? 1 : 0}/${step[1]}`;
  const values = expandField(name, field)!;
  return values.map((v) => String(v).padStart(width, "0")).join(",");
}

/** The OnCalendar= form of a cron schedule (systemd.time(7)). */
export function toOnCalendar(schedule: string, timeZone: string): string {
  const f = splitCron(schedule);
  if (f.day !== "*" && f.weekday !== "*") {
    throw new CairnError(
      "CONFIG_INVALID",
      `schedule "${schedule}" restricts both day of month and weekday, which cron reads as "either" and systemd as "both"`,
      { hint: "split it into two jobs or use `cairn run`" },
    );
  }
  const weekdays = expandField("weekday", f.weekday);
  const dow = weekdays ? `${weekdays.map((d) => WEEKDAY_NAMES[d]).join(",")} ` : "";
  const date = `*-${systemdField("month", f.month, 2)}-${systemdField("day", f.day, 2)}`;
  const time = `${systemdField("hour", f.hour, 2)}:${systemdField("minute", f.minute, 2)}:${systemdField("second", f.second, 2)}`;
  return `${dow}${date} ${time} ${timeZone}`;
}

function quoteSystemd(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `"${arg.replace(/(["\\])/g, "\\$1").replace(/%/g, "%%")}"`;
}

export function systemdUnits(command: ServiceCommand): { service: string; timer: string } {
  const name = `cairn-${command.job}`;
  const service = `# ${name}.service: one backup of cairn job "${command.job}". Started by ${name}.timer.
[Unit]
Description=cairn backup of job ${command.job}
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
  const timer = `# ${name}.timer: install both files in /etc/systemd/system, then
#   systemctl daemon-reload && systemctl enable --now ${name}.timer
[Unit]
Description=Schedule for cairn job ${command.job}

[Timer]
OnCalendar=${toOnCalendar(command.schedule, command.timeZone)}
${command.catchUp ? "# A run missed while the machine was off or asleep happens once at boot or wake.\nPersistent=true\n" : ""}Unit=${name}.service

[Install]
WantedBy=timers.target
`;
  return { service, timer };
}

function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A launchd property list with one StartCalendarInterval entry per matching time. */
export function launchdPlist(command: ServiceCommand): string {
  const f = splitCron(command.schedule);
  if (f.second !== "0") {
    throw new CairnError(
      "CONFIG_INVALID",
      `launchd cannot start jobs at seconds: schedule "${command.schedule}"`,
    );
  }
  const keys: [keyof CronFields, string][] = [
    ["month", "Month"],
    ["day", "Day"],
    ["weekday", "Weekday"],
    ["hour", "Hour"],
    ["minute", "Minute"],
  ];
  let intervals: Record<string, number>[] = [{}];
  for (const [field, key] of keys) {
    const values = expandField(field, f[field]);
    if (!values) continue;
    intervals = intervals.flatMap((base) => values.map((v) => ({ ...base, [key]: v })));
  }
  if (intervals.length > 500) {
    throw new CairnError(
      "CONFIG_INVALID",
      `schedule "${command.schedule}" expands to ${intervals.length} launchd start times`,
      {
        hint: "use `cairn run` as the service instead",
      },
    );
  }
  const dict = (interval: Record<string, number>) =>
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

function quoteShell(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

/** A crontab entry (with CRON_TZ, which cronie and Debian's cron honour). */
export function crontabLines(command: ServiceCommand): string {
  const f = splitCron(command.schedule);
  if (f.second !== "0")
    throw new CairnError("CONFIG_INVALID", `cron cannot start jobs at seconds: "${command.schedule}"`);
  const when = [f.minute, f.hour, f.day, f.month, f.weekday].join(" ");
  const run = `cd ${quoteShell(command.workingDirectory)} && ${command.argv.map(quoteShell).join(" ")} >> ${quoteShell(command.logFile)} 2>&1`;
  return `# cairn job ${command.job}\nCRON_TZ=${command.timeZone}\n${when} ${run}\n`;
}

/** Task Scheduler XML for `schtasks /create /xml FILE /tn cairn-JOB`: daily or weekly schedules at fixed times. */
export function windowsTaskXml(command: ServiceCommand): string {
  const f = splitCron(command.schedule);
  if (f.day !== "*" || f.month !== "*" || f.second !== "0") {
    throw new CairnError(
      "CONFIG_INVALID",
      `Task Scheduler export supports daily or weekly schedules, not "${command.schedule}"`,
      {
        hint: "use `cairn run` as a service for other schedules",
      },
    );
  }
  const hours = expandField("hour", f.hour) ?? Array.from({ length: 24 }, (_, h) => h);
  const minutes = expandField("minute", f.minute) ?? Array.from({ length: 60 }, (_, m) => m);
  if (hours.length * minutes.length > 48) {
    throw new CairnError(
      "CONFIG_INVALID",
      `schedule "${command.schedule}" needs more than 48 Task Scheduler triggers`,
    );
  }
  const weekdays = expandField("weekday", f.weekday);
  const names = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
  const schedule = weekdays
    ? `<ScheduleByWeek><WeeksInterval>1</WeeksInterval><DaysOfWeek>${weekdays.map((d) => `<${names[d]} />`).join("")}</DaysOfWeek></ScheduleByWeek>`
    : "<ScheduleByDay><DaysInterval>1</DaysInterval></ScheduleByDay>";
  const pad = (n: number) => String(n).padStart(2, "0");
  const triggers = hours.flatMap((h) =>
    minutes.map(
      (m) =>
        `    <CalendarTrigger>\n      <StartBoundary>2026-01-01T${pad(h)}:${pad(m)}:00</StartBoundary>\n      <Enabled>true</Enabled>\n      ${schedule}\n    </CalendarTrigger>`,
    ),
  );
  const [program, ...args] = command.argv;
  const quoteWin = (a: string) => (/[\s"]/.test(a) ? `"${a.replace(/"/g, '\\"')}"` : a);
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Task Scheduler uses the computer's time zone; this job's schedule is for ${xml(command.timeZone)}. -->
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Description>cairn backup of job ${xml(command.job)}</Description>
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
