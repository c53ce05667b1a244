import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { need, withServiceCommand } from "./__fixtures__/service-command.js";
import { launchdPlist } from "./launchd.js";

/** Each StartCalendarInterval dictionary as "Key=value" pairs. */
const intervals = (plist: string) =>
  [...plist.matchAll(/\t\t<dict>\n([\s\S]*?)\n\t\t<\/dict>/g)].map((m) =>
    [...m[1]!.matchAll(/<key>(\w+)<\/key>\s*<integer>(\d+)<\/integer>/g)]
      .map((k) => `${k[1]}=${k[2]}`)
      .join(" "),
  );

describe("launchd property lists", () => {
  const fixture = withServiceCommand();

  it("writes well-formed XML with one start time per weekday", async () => {
    const plist = launchdPlist(fixture.command);
    await writeFile(join(fixture.dir, "db.plist"), plist);
    execFileSync(need("xmllint", "libxml2-utils"), ["--noout", join(fixture.dir, "db.plist")]);
    expect(intervals(plist)).toEqual([1, 2, 3, 4, 5].map((d) => `Weekday=${d} Hour=3 Minute=30`));
  });

  it("reads @monthly, and a day of the month or a weekday as either, the way launchd does", () => {
    expect(intervals(launchdPlist({ ...fixture.command, schedule: "@monthly" }))).toEqual([
      "Day=1 Hour=0 Minute=0",
    ]);
    expect(intervals(launchdPlist({ ...fixture.command, schedule: "0 3 1 6 sun" }))).toEqual([
      "Month=6 Day=1 Hour=3 Minute=0",
      "Month=6 Weekday=0 Hour=3 Minute=0",
    ]);
  });

  it.each([
    ["0 3 L * *", /has no last day of the month/],
    ["0 3 * * 5#3", /has no nth or last weekday/],
    ["0 3 15W * *", /has no nearest weekday/],
    ["30 0 3 * * *", /whole minutes/],
    ["0 0 3 * * * 2030", /has no year field/],
    ["0 3 13 * +5", /either the day of the month or the weekday/],
    ["*/5 1-23 1-10 * *", /2760 StartCalendarInterval entries/],
  ])("refuses %j and says why", (schedule, reason) => {
    expect(() => launchdPlist({ ...fixture.command, schedule })).toThrow(reason);
  });
});
