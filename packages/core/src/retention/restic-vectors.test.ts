import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { planRetention, type RetentionCandidate, type RetentionPolicy } from "./index.js";

interface Vector {
  name: string;
  source: string;
  policy: RetentionPolicy;
  now: string;
  timeZone: string;
  backups: RetentionCandidate[];
  expectedKeep: string[];
  expectedReasons: Record<string, string[]>;
}

const folder = new URL("./__fixtures__/restic/", import.meta.url);
const vectors: Vector[] = readdirSync(folder)
  .filter((name) => name.endsWith(".json"))
  .sort()
  .map((name) => JSON.parse(readFileSync(new URL(name, folder), "utf8")));

describe("restic's own forget test vectors", () => {
  it("are all here (40 goldens and 2 documented examples)", () => {
    expect(vectors).toHaveLength(42);
  });

  for (const vector of vectors) {
    it(`${vector.name} keeps what restic keeps (with cairn's guarantees)`, () => {
      const plan = planRetention(vector.backups, vector.policy, {
        now: vector.now,
        timeZone: vector.timeZone,
      });
      expect(plan.keep.map((k) => k.id)).toEqual(vector.expectedKeep);
      expect(Object.fromEntries(plan.keep.map((k) => [k.id, k.reasons]))).toEqual(vector.expectedReasons);
      const all = new Set(vector.backups.map((b) => b.id));
      expect(plan.keep.length + plan.remove.length).toBe(all.size);
    });
  }
});
