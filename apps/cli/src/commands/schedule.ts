import { dirname, join } from "node:path";
import {
  CairnError,
  crontabLines,
  launchdPlist,
  type ServiceCommand,
  serviceName,
  systemdUnits,
  windowsTaskXml,
} from "@cairn/core";
import { type Command, Option } from "commander";
import { EXIT, type ExitCode } from "../exit-codes.js";
import { selfCommand } from "../self-command.js";
import type { Session } from "../session.js";
import type { Runner } from "./runner.js";

interface PrintOptions {
  systemd?: boolean;
  launchd?: boolean;
  cron?: boolean;
  windows?: boolean;
  log?: string;
}

export function registerSchedule(program: Command, run: Runner): void {
  const schedule = program
    .command("schedule")
    .description("hand the jobs' schedules to the operating system's scheduler");
  schedule
    .command("print")
    .description(
      "print the systemd units, launchd plist, crontab line or Task Scheduler XML that runs `cairn backup JOB` on the job's schedule (and `cairn drill JOB` on its drill schedule)",
    )
    .argument("[job...]", "jobs with a schedule (default: all of them)")
    .addOption(
      new Option("--systemd", "a .service and a .timer unit per job").conflicts([
        "launchd",
        "cron",
        "windows",
      ]),
    )
    .addOption(
      new Option("--launchd", "a launchd property list per job (macOS)").conflicts(["cron", "windows"]),
    )
    .addOption(new Option("--cron", "crontab lines").conflicts("windows"))
    .option("--windows", "Task Scheduler XML per job (schtasks /create /xml FILE /tn cairn-JOB)")
    .option(
      "--log <file>",
      "where cron and launchd write the output (default: cairn-JOB.log beside the config)",
    )
    .addHelpText(
      "after",
      `
The files name this machine's node and cairn by absolute path and the config by absolute path,
so the scheduler needs no PATH of its own. Alternatively, run \`cairn run\` as a service.

Examples:
  cairn schedule print --systemd db    cairn-db.service and cairn-db.timer, to /etc/systemd/system
  cairn schedule print --cron >> /tmp/c && crontab /tmp/c`,
    )
    .action(run((session, jobs: string[], options: PrintOptions) => print(session, jobs, options)));
}

async function print(session: Session, names: string[], options: PrintOptions): Promise<ExitCode> {
  const kind = options.systemd
    ? "systemd"
    : options.launchd
      ? "launchd"
      : options.cron
        ? "cron"
        : options.windows
          ? "windows"
          : undefined;
  if (!kind) {
    throw new CairnError("USAGE", "say which scheduler: --systemd, --launchd, --cron or --windows");
  }
  const config = await session.config();
  const jobs = (await session.jobs(names)).filter((job) => job.schedule || job.drill);
  if (jobs.length === 0) {
    throw new CairnError(
      "USAGE",
      `no job ${names.length ? "of those named " : ""}has a schedule in ${config.file}`,
      {
        hint: 'add `schedule: "0 3 * * *"` (cron, in the job\'s timeZone) to a job',
      },
    );
  }
  const cairn = selfCommand();
  const out: Record<string, string> = {};
  for (const job of jobs) {
    const common = {
      job: job.name,
      timeZone: job.timeZone,
      workingDirectory: dirname(config.file),
      logFile: options.log ?? join(dirname(config.file), `cairn-${job.name}.log`),
    };
    const commands: ServiceCommand[] = [];
    if (job.schedule) {
      commands.push({
        ...common,
        schedule: job.schedule,
        catchUp: job.catchUp,
        argv: [...cairn, "backup", job.name, "--config", config.file],
      });
    }
    if (job.drill) {
      const { drill } = job;
      commands.push({
        ...common,
        task: "drill",
        schedule: drill.schedule,
        catchUp: false,
        argv: [
          ...cairn,
          "drill",
          job.name,
          "--config",
          config.file,
          ...(drill.sample === undefined ? [] : ["--sample", String(drill.sample)]),
          ...(drill.pick === "random" ? ["--random"] : []),
        ],
      });
    }
    for (const command of commands) {
      const name = serviceName(command);
      if (kind === "systemd") {
        const units = systemdUnits(command);
        out[`${name}.service`] = units.service;
        out[`${name}.timer`] = units.timer;
      } else if (kind === "launchd") {
        out[`org.cairn.${command.task === "drill" ? "drill" : "backup"}.${job.name}.plist`] =
          launchdPlist(command);
      } else if (kind === "cron") out[`crontab (${name})`] = crontabLines(command);
      else out[`${name}.xml`] = windowsTaskXml(command);
    }
  }
  if (session.json) session.printJson({ scheduler: kind, files: out });
  else {
    const files = Object.entries(out);
    for (const [name, text] of files) {
      if (files.length > 1 && kind !== "cron") session.print(`# ---- ${name}`);
      session.io.stdout.write(text);
    }
  }
  return EXIT.ok;
}
