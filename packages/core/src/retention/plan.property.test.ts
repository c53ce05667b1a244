import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planRetention, type RetentionCandidate, type RetentionPolicy } from "./index.js";

const now = new Date("2026-11-22T12:00:00Z");
const start = Date.parse("2024-01-01T00:00:00Z");

/** Histories of up to 60 backups over ~3 years, some sharing an instant, some tagged, some in the future. */
const history = fc
  .uniqueArray(
    fc.record({
      id: fc.stringMatching(/^[a-z0-9]{1,6}$/),
      offset: fc.integer({ min: 0, max: 1100 * 24 }),
      size: fc.integer({ min: 0, max: 1000 }),
      tags: fc.subarray(["prod", "db", "weekly"]),
    }),
    { selector: (b) => b.id, maxLength: 60 },
  )
  .map((items): RetentionCandidate[] =>
    items.map((b) => ({
      id: b.id,
      time: new Date(start + b.offset * 3_600_000),
      size: b.size,
      tags: b.tags,
    })),
  );

const count = fc.oneof(fc.constant(undefined), fc.integer({ min: -1, max: 12 }));
const duration = fc.oneof(
  fc.constant(undefined),
  fc
    .tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 14 }), fc.integer({ min: 0, max: 40 }))
    .map(([y, m, d]) => `${y}y${m}m${d}d`),
);
const policy: fc.Arbitrary<RetentionPolicy> = fc
  .record({
    keepLast: count,
    keepHourly: count,
    keepDaily: count,
    keepWeekly: count,
    keepMonthly: count,
    keepYearly: count,
    keepWithin: duration,
    keepWithinDaily: duration,
    keepWithinMonthly: duration,
    keepTags: fc.oneof(
      fc.constant(undefined),
      fc.constant([["prod"]]),
      fc.constant([["db", "weekly"], [""]]),
    ),
    maxCount: fc.oneof(fc.constant(undefined), fc.integer({ min: 1, max: 20 })),
    maxTotalSize: fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 5000 })),
  })
  .map((p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as RetentionPolicy);
const zone = fc.constantFrom("UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "+05:30");

/** Newest first, greater id first on a tie: the order planRetention promises. */
function newestFirst(backups: RetentionCandidate[]): string[] {
  return [...backups]
    .sort((a, b) => +new Date(b.time) - +new Date(a.time) || (a.id < b.id ? 1 : -1))
    .map((b) => b.id);
}

const params = { numRuns: 300 };

describe("planRetention invariants over random histories", () => {
  it("always keeps the newest backup", () => {
    fc.assert(
      fc.property(history, policy, zone, (backups, p, timeZone) => {
        fc.pre(backups.length > 0);
        const plan = planRetention(backups, p, { now, timeZone });
        expect(plan.keep[0]?.id).toBe(newestFirst(backups)[0]);
      }),
      params,
    );
  });

  it("removes nothing under an empty policy", () => {
    fc.assert(
      fc.property(history, zone, (backups, timeZone) => {
        expect(planRetention(backups, {}, { now, timeZone }).remove).toEqual([]);
      }),
      params,
    );
  });

  it("splits the input into keep and remove, each newest first, with a reason for each", () => {
    fc.assert(
      fc.property(history, policy, zone, (backups, p, timeZone) => {
        const plan = planRetention(backups, p, { now, timeZone });
        const order = newestFirst(backups);
        const kept = plan.keep.map((k) => k.id);
        const removed = plan.remove.map((r) => r.id);
        expect([...kept, ...removed].sort()).toEqual([...order].sort());
        expect(kept).toEqual(order.filter((id) => kept.includes(id)));
        expect(removed).toEqual(order.filter((id) => removed.includes(id)));
        for (const item of [...plan.keep, ...plan.remove]) expect(item.reasons.length).toBeGreaterThan(0);
      }),
      params,
    );
  });

  it("never keeps fewer with a larger count", () => {
    const rule = fc.constantFrom(
      "keepLast",
      "keepHourly",
      "keepDaily",
      "keepWeekly",
      "keepMonthly",
      "keepYearly",
    );
    fc.assert(
      fc.property(
        history,
        rule,
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 5 }),
        zone,
        (backups, key, n, more, timeZone) => {
          const smaller = planRetention(backups, { [key]: n }, { now, timeZone }).keep.map((k) => k.id);
          const larger = planRetention(backups, { [key]: n + more }, { now, timeZone }).keep.map((k) => k.id);
          expect(larger.length).toBeGreaterThanOrEqual(smaller.length);
          for (const id of smaller) expect(larger).toContain(id);
        },
      ),
      params,
    );
  });

  it("never exceeds maxCount or maxTotalSize, except by the newest alone", () => {
    fc.assert(
      fc.property(history, policy, zone, (backups, p, timeZone) => {
        const plan = planRetention(backups, p, { now, timeZone });
        if (p.maxCount !== undefined) expect(plan.keep.length).toBeLessThanOrEqual(p.maxCount);
        if (p.maxTotalSize !== undefined && plan.keep.length > 1) {
          const size = new Map(backups.map((b) => [b.id, b.size!]));
          const total = plan.keep.reduce((sum, k) => sum + size.get(k.id)!, 0);
          expect(total).toBeLessThanOrEqual(Number(p.maxTotalSize));
        }
      }),
      params,
    );
  });

  it("gives the same answer whatever order the backups come in", () => {
    fc.assert(
      fc.property(
        history.chain((backups) =>
          fc.tuple(
            fc.constant(backups),
            fc.shuffledSubarray(backups, { minLength: backups.length, maxLength: backups.length }),
          ),
        ),
        policy,
        zone,
        ([backups, shuffled], p, timeZone) => {
          expect(planRetention(shuffled, p, { now, timeZone })).toEqual(
            planRetention(backups, p, { now, timeZone }),
          );
        },
      ),
      params,
    );
  });
});
