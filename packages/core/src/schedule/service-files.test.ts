import { execFileSync, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Cron } from "croner";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  crontabLines,
  launchdPlist,
  type ServiceCommand,
  systemdUnits,
  toOnCalendar,
  windowsTaskXml,
} from "./service-files.js";

function need(tool: string, debianPackage: string): string {
  const found = spawnSync("which", [tool], { encoding: "utf8" });
  if (found.status !== 0) throw new Error(`this test needs \`${tool}\`: apt-get install ${debianPackage}`);
  return found.stdout.trim();
}

describe("service files for the OS scheduler", () => {
  let dir: string;
  let command: ServiceCommand;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "cairn service files "));
    const main = join(dir, "main.js");
    await writeFile(main, "");
    command = {
      job: "db",
      schedule: "30 3 * * 1-5",
      timeZone: "Europe/Berlin",
      catchUp: true,
      argv: [process.execPath, main, "backup", "db", "--config", join(dir, "cairn.config.yaml")],
      workingDirectory: dir,
      logFile: join(dir, "cairn-db.log"),
    };
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ["0 3 * * *", "UTC", "*-*-* 03:00:00 UTC", "2026-11-23 03:00:00"],
    ["30 3 * * 1-5", "UTC", "Mon,Tue,Wed,Thu,Fri *-*-* 03:30:00 UTC", "2026-11-23 03:30:00"],
    ["*/15 * * * *", "UTC", "*-*-* *:0/15:00 UTC", "2026-11-22 12:15:00"],
    ["0 2 1 * *", "Europe/Berlin", "*-*-01 02:00:00 Europe/Berlin", "2026-12-01 01:00:00"],
  ])("turns cron %j into an OnCalendar that systemd reads the same way", (cron, zone, onCalendar, next) => {
    expect(toOnCalendar(cron, zone)).toBe(onCalendar);
    const out = execFileSync(
      need("systemd-analyze", "systemd"),
      ["calendar", "--base-time=2026-11-22 12:05:00 UTC", onCalendar],
      {
        encoding: "utf8",
        env: { ...process.env, TZ: "UTC" },
      },
    );
    expect(out).toContain(`Next elapse: ${new Date(`${next}Z`).toUTCString().slice(0, 3)}`);
    expect(out).toContain(next.slice(5));
  });

  it("writes systemd units that systemd-analyze verify accepts", async () => {
    const { service, timer } = systemdUnits(command);
    await writeFile(join(dir, "cairn-db.service"), service);
    await writeFile(join(dir, "cairn-db.timer"), timer);
    const result = spawnSync(
      need("systemd-analyze", "systemd"),
      ["verify", join(dir, "cairn-db.timer"), join(dir, "cairn-db.service")],
      {
        encoding: "utf8",
      },
    );
    expect(result.stderr.split("\n").filter((l) => l.includes("cairn-db"))).toEqual([]);
    expect(timer).toContain("Persistent=true");
    expect(service).toContain(`ExecStart=${process.execPath} "${join(dir, "main.js")}" backup db`);
  });

  it("refuses a schedule systemd would read differently from cron", () => {
    expect(() => toOnCalendar("0 3 1 * 1", "UTC")).toThrow(/either.*both/);
  });

  it("writes a launchd plist that is well-formed XML with one start time per weekday", async () => {
    const plist = launchdPlist(command);
    await writeFile(join(dir, "db.plist"), plist);
    execFileSync(need("xmllint", "libxml2-utils"), ["--noout", join(dir, "db.plist")]);
    expect(plist.match(/<key>Weekday<\/key>/g)).toHaveLength(5);
    expect(plist).toContain("<integer>30</integer>");
  });

  it("writes a crontab line whose schedule parses and whose command the shell accepts", async () => {
    const lines = crontabLines(command).split("\n");
    expect(lines[1]).toBe("CRON_TZ=Europe/Berlin");
    const fields = lines[2]!.split(" ").slice(0, 5).join(" ");
    expect(
      new Cron(fields, { paused: true, timezone: "Europe/Berlin" })
        .nextRun(new Date("2026-11-21T12:00:00Z"))!
        .toISOString(),
    ).toBe("2026-11-23T02:30:00.000Z");
    const shell = lines[2]!.split(" ").slice(5).join(" ");
    expect(spawnSync("sh", ["-n", "-c", shell]).status).toBe(0);
  });

  it("writes Task Scheduler XML for weekly schedules and refuses what it cannot express", async () => {
    const task = windowsTaskXml(command);
    await writeFile(join(dir, "db.xml"), task);
    execFileSync(need("xmllint", "libxml2-utils"), ["--noout", join(dir, "db.xml")]);
    expect(task).toContain("<Monday />");
    expect(task).toContain("T03:30:00");
    expect(() => windowsTaskXml({ ...command, schedule: "0 3 1 * *" })).toThrow(/daily or weekly/);
  });
});
