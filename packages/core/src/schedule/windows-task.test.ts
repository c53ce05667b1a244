import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { need, withServiceCommand } from "./__fixtures__/service-command.js";
import { windowsTaskXml } from "./windows-task.js";

describe("Task Scheduler XML", () => {
  const fixture = withServiceCommand();

  const wellFormed = async (task: string) => {
    await writeFile(join(fixture.dir, "db.xml"), task);
    execFileSync(need("xmllint", "libxml2-utils"), ["--noout", join(fixture.dir, "db.xml")]);
    return task;
  };

  it("writes a weekly trigger at the schedule's time", async () => {
    const task = await wellFormed(windowsTaskXml(fixture.command));
    expect(task).toContain(
      "<DaysOfWeek><Monday /><Tuesday /><Wednesday /><Thursday /><Friday /></DaysOfWeek>",
    );
    expect(task).toContain("<StartBoundary>2026-01-01T03:30:00</StartBoundary>");
  });

  it("writes monthly triggers for a day of the month, the last day, and the nth or last weekday", async () => {
    const last = await wellFormed(windowsTaskXml({ ...fixture.command, schedule: "0 3 1,L 3 *" }));
    expect(last).toContain(
      "<ScheduleByMonth><DaysOfMonth><Day>1</Day><Day>Last</Day></DaysOfMonth><Months><March /></Months></ScheduleByMonth>",
    );
    const third = await wellFormed(windowsTaskXml({ ...fixture.command, schedule: "0 3 * * 5#3,1#L" }));
    expect(third).toContain("<Weeks><Week>Last</Week></Weeks><DaysOfWeek><Monday /></DaysOfWeek>");
    expect(third).toContain("<Weeks><Week>3</Week></Weeks><DaysOfWeek><Friday /></DaysOfWeek>");
    // Cron's "day of month or weekday" is two triggers, and a task starts when either fires.
    const either = await wellFormed(windowsTaskXml({ ...fixture.command, schedule: "0 3 1 * 1" }));
    expect(either.match(/<CalendarTrigger>/g)).toHaveLength(2);
  });

  it.each([
    ["0 3 15W * *", /no nearest weekday/],
    ["0 3 * * 5#5", /1 to 4 and the last, with no fifth/],
    ["0 3 13 * +5", /cannot both be required/],
    ["0 0 3 * * * 2030", /no year field/],
    ["*/5 * * * *", /288 triggers/],
  ])("refuses %j and says why", (schedule, reason) => {
    expect(() => windowsTaskXml({ ...fixture.command, schedule })).toThrow(reason);
  });
});
