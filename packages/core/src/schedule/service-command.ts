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
  /** What it runs: a backup (the default) or the job's restore drill; names and descriptions say which. */
  task?: "backup" | "drill";
}

/** The scheduler's name for it: `cairn-db`, or `cairn-db-drill` for the job's drill. */
export function serviceName(command: ServiceCommand): string {
  return `cairn-${command.job}${command.task === "drill" ? "-drill" : ""}`;
}

/** "backup" or "restore drill", for descriptions. */
export function taskName(command: ServiceCommand): string {
  return command.task === "drill" ? "restore drill" : "backup";
}

/** Text for an XML element or attribute (launchd plists, Task Scheduler files). */
export function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
