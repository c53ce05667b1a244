import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { cronerRuns, withServiceCommand } from "./__fixtures__/service-command.js";
import { crontabLines } from "./crontab.js";

const BASE = new Date("2026-11-21T12:00:00Z");

describe("crontab lines", () => {
  const fixture = withServiceCommand();

  it("writes a line whose command the shell accepts, with the job's time zone", () => {
    const lines = crontabLines(fixture.command).split("\n");
    expect(lines[1]).toBe("CRON_TZ=Europe/Berlin");
    expect(lines[2]!.split(" ").slice(0, 5).join(" ")).toBe("30 3 * * 1-5");
    const shell = lines[2]!.split(" ").slice(5).join(" ");
    expect(spawnSync("sh", ["-n", "-c", shell]).status).toBe(0);
  });

  it.each([
    ["@daily", "0 0 * * *"],
    ["@weekly", "0 0 * * 0"],
    ["0 */4 * * MON-FRI", "0 */4 * * 1-5"],
    ["0 0 9 * jan,jul sun", "0 9 * 1,7 0"],
    ["0 3 1-31 * 1", "0 3 1-31 * 1"],
    ["5,10,20-30/5 3 * * *", "5,10,20,25,30 3 * * *"],
  ])("writes %j as the fields %j, which run when cairn run would", (schedule, fields) => {
    const line = crontabLines({ ...fixture.command, schedule }).split("\n")[2]!;
    const written = line.split(" ").slice(0, 5).join(" ");
    expect(written).toBe(fields);
    expect(cronerRuns(written, "Europe/Berlin", BASE, 20)).toEqual(
      cronerRuns(schedule, "Europe/Berlin", BASE, 20),
    );
  });

  it.each([
    ["0 3 L * *", /cron has no last day of the month/],
    ["0 3 * * 5#3", /cron has no nth or last weekday/],
    ["0 3 15W * *", /cron has no nearest weekday/],
    ["30 0 3 * * *", /whole minutes/],
    ["0 0 3 * * * 2030", /no year field/],
    ["0 3 13 * +5", /either the day of the month or the weekday/],
  ])("refuses %j and says why", (schedule, reason) => {
    expect(() => crontabLines({ ...fixture.command, schedule })).toThrow(reason);
  });
});
