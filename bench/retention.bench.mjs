#!/usr/bin/env node
// Times planRetention on large histories: 100,000 backups must plan in well under a second.
// Usage: node bench/retention.bench.mjs [count]   (after `npm run build`)
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const dist = resolve(import.meta.dirname, "..", "packages", "core", "dist", "index.js");
if (!existsSync(dist)) throw new Error("build first: npm run build");
const { planRetention } = await import(pathToFileURL(dist).href);

const count = Number(process.argv[2] ?? 100_000);
const now = Date.parse("2026-11-22T12:00:00Z");
// One backup every 20 minutes going back ~4 years, with a few tags and sizes.
const backups = Array.from({ length: count }, (_, i) => ({
  id: `b${String(i).padStart(6, "0")}`,
  time: new Date(now - (i + 1) * 1_200_000 - (i % 7) * 1000).toISOString(),
  size: 1_000_000 + (i % 13) * 10_000,
  tags: i % 50 === 0 ? ["weekly"] : [],
}));
// Shuffled: destinations list in no particular order.
for (let i = backups.length - 1; i > 0; i--) {
  const j = (i * 7919) % (i + 1);
  [backups[i], backups[j]] = [backups[j], backups[i]];
}

const policies = {
  "keepLast 10": { keepLast: 10 },
  "restic-style mix": { keepHourly: 24, keepDaily: 7, keepWeekly: 5, keepMonthly: 12, keepYearly: -1 },
  "within windows": {
    keepWithin: "2d",
    keepWithinDaily: "30d",
    keepWithinWeekly: "6m",
    keepWithinMonthly: "2y",
  },
  "mix + caps": { keepDaily: 30, keepTags: [["weekly"]], maxCount: 500, maxTotalSize: "200GB" },
};

for (const zone of ["UTC", "Europe/Berlin"]) {
  for (const [name, policy] of Object.entries(policies)) {
    planRetention(backups.slice(0, 1000), policy, { now: new Date(now), timeZone: zone }); // warm up
    const times = [];
    let kept = 0;
    for (let run = 0; run < 5; run++) {
      const start = process.hrtime.bigint();
      kept = planRetention(backups, policy, { now: new Date(now), timeZone: zone }).keep.length;
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    times.sort((a, b) => a - b);
    console.log(
      `${count} backups, ${zone.padEnd(13)} ${name.padEnd(18)} median ${times[2].toFixed(0).padStart(5)} ms  (kept ${kept})`,
    );
  }
}
