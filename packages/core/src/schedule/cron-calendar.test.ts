import { describe, expect, it } from "vitest";
import { readCron } from "./cron-calendar.js";

describe("readCron", () => {
  it("reads what croner reads: nicknames, L, nth weekdays, names, seconds and years", () => {
    expect(readCron("@daily")).toMatchObject({
      seconds: [0],
      minutes: [0],
      hours: [0],
      monthDays: undefined,
      weekdays: undefined,
    });
    expect(readCron("0 3 L * *").monthDays).toEqual({
      dates: [],
      last: true,
      nearestWeekdays: [],
      lastWeekday: false,
    });
    expect(readCron("0 3 * * 5#3,FRI#L").weekdays).toEqual([{ day: 5, occurrences: [3, "last"] }]);
    expect(readCron("0 3 * jan-mar sun,7").weekdays).toEqual([{ day: 0, occurrences: "every" }]);
    expect(readCron("0 3 * jan-mar *").months).toEqual([1, 2, 3]);
    expect(readCron("15 0 3 * * * 2027-2028")).toMatchObject({ seconds: [15], years: [2027, 2028] });
    expect(readCron("0 3 13 * +5").combine).toBe("both");
    expect(readCron("0 3 13 * 5").combine).toBe("either");
  });

  it("refuses what croner refuses, with croner's reason", () => {
    expect(() => readCron("0 3 L-2 * *")).toThrow(
      /schedule "0 3 L-2 \* \*" is not a cron expression: .*L has to be a value of its own/,
    );
    expect(() => readCron("61 * * * *")).toThrow(/not a cron expression/);
    expect(() => readCron("@reboot")).toThrow(/not a cron expression/);
  });
});
