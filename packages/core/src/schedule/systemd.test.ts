import { execFileSync, spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cronerRuns, need, withServiceCommand } from "./__fixtures__/service-command.js";
import { systemdUnits, toOnCalendar } from "./systemd.js";

const BASE = new Date("2026-11-22T12:05:07Z");
const RUNS = 12;

/** The next runs systemd itself computes for a timer with these OnCalendar= lines, in UTC. */
function systemdRuns(lines: string[]): string[] {
  const out = execFileSync(
    need("systemd-analyze", "systemd"),
    ["calendar", `--iterations=${RUNS}`, "--base-time=2026-11-22 12:05:07 UTC", ...lines],
    { encoding: "utf8", env: { ...process.env, TZ: "UTC" } },
  );
  const times = [...out.matchAll(/(?:Next elapse|Iter\. #\d+): \w{3} (\S+ \S+) UTC/g)].map((m) =>
    new Date(`${m[1]!.replace(" ", "T")}Z`).toISOString(),
  );
  return [...new Set(times)].sort().slice(0, RUNS);
}

describe("systemd timers", () => {
  it.each([
    ["0 3 * * *", "UTC", ["*-*-* 03:00:00 UTC"]],
    ["30 3 * * 1-5", "UTC", ["Mon,Tue,Wed,Thu,Fri *-*-* 03:30:00 UTC"]],
    ["*/15 * * * *", "UTC", ["*-*-* *:00/15:00 UTC"]],
    ["0 2 1 * *", "Europe/Berlin", ["*-*-01 02:00:00 Europe/Berlin"]],
    ["@daily", "Europe/Berlin", ["*-*-* 00:00:00 Europe/Berlin"]],
    ["0 3 L * *", "UTC", ["*-*~01 03:00:00 UTC"]],
    ["0 3 * * 5#3", "UTC", ["Fri *-*-15..21 03:00:00 UTC"]],
    ["0 3 * * 5#L", "America/New_York", ["Fri *-*~07/1 03:00:00 America/New_York"]],
    ["0 3 1,15 * 1", "UTC", ["*-*-01,15 03:00:00 UTC", "Mon *-*-* 03:00:00 UTC"]],
    ["0 3 13 * +5", "UTC", ["Fri *-*-13 03:00:00 UTC"]],
    ["15 30 */6 * 2-4 *", "UTC", ["*-02..04-* 00/6:30:15 UTC"]],
    ["0 0 3 29 2 * 2028,2032", "UTC", ["2028,2032-02-29 03:00:00 UTC"]],
  ])("turns %j (%s) into OnCalendar lines that fire when cairn run would", (cron, zone, lines) => {
    expect(toOnCalendar(cron, zone)).toEqual(lines);
    expect(systemdRuns(lines)).toEqual(cronerRuns(cron, zone, BASE, RUNS));
  });

  it("says why it cannot write a nearest weekday, or the last days of a month together with other days", () => {
    expect(() => toOnCalendar("0 3 15W * *", "UTC")).toThrow(
      /systemd cannot run schedule "0 3 15W \* \*": .*nearest weekday/,
    );
    expect(() => toOnCalendar("0 3 L * +5#L", "UTC")).toThrow(/last days of a month/);
  });

  describe("units", () => {
    const fixture = withServiceCommand();

    it("writes a service and a timer that systemd-analyze verify accepts, one OnCalendar line each way", async () => {
      const { service, timer } = systemdUnits({ ...fixture.command, schedule: "0 3 1 * 1" });
      await writeFile(join(fixture.dir, "cairn-db.service"), service);
      await writeFile(join(fixture.dir, "cairn-db.timer"), timer);
      const result = spawnSync(
        need("systemd-analyze", "systemd"),
        ["verify", join(fixture.dir, "cairn-db.timer"), join(fixture.dir, "cairn-db.service")],
        { encoding: "utf8" },
      );
      expect(result.stderr.split("\n").filter((l) => l.includes("cairn-db"))).toEqual([]);
      expect(timer.match(/^OnCalendar=.*$/gm)).toEqual([
        "OnCalendar=*-*-01 03:00:00 Europe/Berlin",
        "OnCalendar=Mon *-*-* 03:00:00 Europe/Berlin",
      ]);
      expect(timer).toContain("Persistent=true");
      expect(service).toContain(`ExecStart=${process.execPath} "${join(fixture.dir, "main.js")}" backup db`);
    });
  });
});
