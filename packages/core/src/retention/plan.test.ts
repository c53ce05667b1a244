import { describe, expect, it } from "vitest";
import { CairnError } from "../errors.js";
import { planRetention, type RetentionCandidate } from "./index.js";

const now = "2026-11-22T12:00:00Z";
/** One backup a day at 03:00 UTC, newest first, ids b0 (newest) .. b{n-1}. */
function daily(n: number, size = 100): RetentionCandidate[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `b${i}`,
    time: new Date(Date.parse("2026-11-22T03:00:00Z") - i * 86_400_000),
    size,
  }));
}
const ids = (items: { id: string }[]) => items.map((i) => i.id);

describe("planRetention", () => {
  it("keeps the newest N with keepLast and says why", () => {
    const plan = planRetention(daily(6), { keepLast: 2 }, { now });
    expect(ids(plan.keep)).toEqual(["b0", "b1"]);
    expect(plan.keep[0]!.reasons).toEqual(["last snapshot"]);
    expect(ids(plan.remove)).toEqual(["b2", "b3", "b4", "b5"]);
    expect(plan.remove[0]!.reasons).toEqual(["matched no keep rule"]);
  });

  it("removes nothing for an empty policy, and says so", () => {
    const plan = planRetention(daily(4), {}, { now });
    expect(ids(plan.keep)).toEqual(["b0", "b1", "b2", "b3"]);
    expect(plan.remove).toEqual([]);
    expect(plan.notes.join(" ")).toMatch(/nothing is removed/);
  });

  it("lets a cap alone do the selecting: maxCount 5 of six keeps the five newest", () => {
    const plan = planRetention(daily(6), { maxCount: 5 }, { now });
    expect(ids(plan.keep)).toEqual(["b0", "b1", "b2", "b3", "b4"]);
    expect(plan.keep[0]!.reasons).toEqual(["within maxCount 5"]);
    expect(plan.remove).toEqual([{ id: "b5", reasons: ["over maxCount 5"] }]);
  });

  it("caps what the rules keep: keepDaily 7 with maxCount 3", () => {
    const plan = planRetention(daily(10), { keepDaily: 7, maxCount: 3 }, { now });
    expect(ids(plan.keep)).toEqual(["b0", "b1", "b2"]);
    expect(plan.remove.find((r) => r.id === "b3")!.reasons).toEqual(["over maxCount 3"]);
    expect(plan.remove.find((r) => r.id === "b9")!.reasons).toEqual(["matched no keep rule"]);
  });

  it("keeps the longest newest run that fits maxTotalSize, never skipping a large one", () => {
    const backups = daily(5, 100);
    backups[2]!.size = 1000;
    const plan = planRetention(backups, { maxTotalSize: 450 }, { now });
    expect(ids(plan.keep)).toEqual(["b0", "b1"]);
    expect(plan.remove.map((r) => r.reasons[0])).toEqual(Array(3).fill("over maxTotalSize 450"));
  });

  it("keeps the newest even when it alone is over maxTotalSize", () => {
    const plan = planRetention(daily(3, 5000), { maxTotalSize: "1kB" }, { now });
    expect(ids(plan.keep)).toEqual(["b0"]);
  });

  it("never removes the newest, even when only a tag rule matches older ones", () => {
    const backups = daily(3).map((b, i) => ({ ...b, tags: i === 2 ? ["prod"] : [] }));
    const plan = planRetention(backups, { keepTags: [["prod"]] }, { now });
    expect(plan.keep).toEqual([
      { id: "b0", reasons: ["newest backup"] },
      { id: "b2", reasons: ["has tags [prod]"] },
    ]);
  });

  it("buckets days in the job's time zone", () => {
    // Two days apart in UTC, one day in Berlin (00:30 and 01:30 on the 22nd).
    const backups = [
      { id: "late", time: "2026-11-22T00:30:00Z" },
      { id: "early", time: "2026-11-21T23:30:00Z" },
      // Restic's oldest rule keeps the oldest backup anyway; this one keeps it out of the way.
      { id: "old", time: "2026-11-01T12:00:00Z" },
    ];
    const keep = (timeZone: string) => ids(planRetention(backups, { keepDaily: 5 }, { now, timeZone }).keep);
    expect(keep("UTC")).toEqual(["late", "early", "old"]);
    expect(keep("Europe/Berlin")).toEqual(["late", "old"]);
  });

  it("breaks ties between equal times by id, whatever the input order", () => {
    const a = [
      { id: "x", time: "2026-11-22T03:00:00Z" },
      { id: "y", time: "2026-11-22T03:00:00Z" },
    ];
    for (const input of [a, [...a].reverse()]) {
      expect(ids(planRetention(input, { keepLast: 1 }, { now }).keep)).toEqual(["y"]);
    }
  });

  it("compares nanoseconds exactly", () => {
    const backups = [
      { id: "a", time: "2026-11-22T03:00:00.000000002Z" },
      { id: "b", time: "2026-11-22T03:00:00.000000001Z" },
    ];
    expect(ids(planRetention(backups, { keepLast: 1 }, { now }).keep)).toEqual(["a"]);
  });

  it("measures keepWithin from the newest backup before now, ignoring future ones", () => {
    const backups = [...daily(5), { id: "future", time: "2030-01-01T00:00:00Z" }];
    const plan = planRetention(backups, { keepWithin: "2d" }, { now });
    expect(ids(plan.keep)).toEqual(["future", "b0", "b1"]);
    expect(plan.notes.join(" ")).toMatch(/1 backup\(s\) are dated after now/);
  });

  it("keeps a protected backup that the rules would remove", () => {
    const backups = [...daily(3), { id: "future", time: "2030-01-01T00:00:00Z" }];
    const plan = planRetention(backups, { keepLast: 1 }, { now, protect: ["b0"] });
    expect(plan.keep).toEqual([
      { id: "future", reasons: ["last snapshot"] },
      { id: "b0", reasons: ["just written"] },
    ]);
  });

  it.each([
    [{ keepDaily: "seven" }, /keepDaily: expected a whole number, got "seven"/],
    [{ keepDaily: -2 }, /keepDaily: must be at least -1/],
    [{ keepDaly: 7 }, /keepDaly: unknown key/],
    [{ keepWithin: "2w" }, /keepWithin: .*unknown unit "w"/],
    [{ maxCount: 0 }, /maxCount: must be at least 1/],
    [{ maxTotalSize: "lots" }, /maxTotalSize: cannot read size "lots"/],
  ])("refuses the policy %j with an error naming the key", (policy, message) => {
    const error = (() => {
      try {
        planRetention(daily(2), policy as never, { now });
      } catch (e) {
        return e;
      }
    })();
    expect(CairnError.is(error, "CONFIG_INVALID")).toBe(true);
    expect((error as Error).message).toMatch(message);
  });

  it("accepts unlimited counts in every spelling", () => {
    for (const keepDaily of [-1, "unlimited", Number.POSITIVE_INFINITY] as const) {
      expect(planRetention(daily(40), { keepDaily }, { now }).keep).toHaveLength(40);
    }
  });

  it("refuses duplicate ids, a missing size under maxTotalSize, and unknown zones", () => {
    expect(() => planRetention([...daily(2), ...daily(1)], { keepLast: 1 }, { now })).toThrow(
      /appears twice/,
    );
    expect(() => planRetention([{ id: "a", time: now }], { maxTotalSize: "1GB" }, { now })).toThrow(
      /no size/,
    );
    expect(() => planRetention(daily(1), { keepLast: 1 }, { now, timeZone: "Nowhere/Land" })).toThrow(
      /unknown time zone/,
    );
  });
});
