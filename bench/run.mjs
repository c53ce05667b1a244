#!/usr/bin/env node
// Times `cairn backup` (zip, tar.gz, tar.zst) against the tools users would pick instead, all on
// the same data in one run, each tool in turn within every round so that a busy machine slows
// them alike; prints wall times, peak memory, output sizes and the ratios.
// Usage: npm run bench -- [mixed|small|big|many ...] [--runs N] [--tools cairn,zip,...]
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { measure, median, sizeOf } from "./measure.mjs";
import { tools } from "./tools.mjs";

const repo = resolve(import.meta.dirname, "..");
const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const runs = Number(option("--runs") ?? 1);
const only = option("--tools")?.split(",");
const sets = args.filter((a, i) => !a.startsWith("--") && !["--runs", "--tools"].includes(args[i - 1]));
const datasets = sets.length ? sets : ["mixed", "small"];
const cli = join(repo, "apps", "cli", "dist", "main.js");
if (!existsSync(cli)) throw new Error("build first: npm run build");

const generated = spawnSync(process.execPath, [join(import.meta.dirname, "generate.mjs"), ...datasets], {
  stdio: "inherit",
});
if (generated.status !== 0) process.exit(1);

const chosen = tools(cli).filter((t) => !only || only.some((o) => t.name.includes(o)));
const load = () => loadavg()[0].toFixed(1);
const rows = [];
for (const name of datasets) {
  const data = join(import.meta.dirname, "data", name);
  const work = await mkdtemp(join(tmpdir(), `cairn-bench-${name}-`));
  const results = new Map(chosen.map((t) => [t.name, []]));
  const loads = [load()];
  for (let round = 0; round < runs; round++) {
    // Each round starts one tool later, so no tool always runs first or after the same one.
    const order = chosen.map((_, i) => chosen[(i + round) % chosen.length]);
    for (const tool of order) {
      const out = join(work, "out");
      await rm(out, { recursive: true, force: true });
      await mkdir(out, { recursive: true });
      const prepared = tool.prepare(data, out);
      const measured = measure(prepared.command, prepared.args, prepared.cwd, prepared.env);
      results.get(tool.name).push({ ...measured, outMiB: sizeOf(prepared.output) / 1024 ** 2 });
      process.stderr.write(
        `${name} ${tool.name}: ${measured.seconds.toFixed(1)} s, ${measured.cpuSeconds.toFixed(1)} s CPU, ${measured.peakMiB.toFixed(0)} MiB, load ${load()}\n`,
      );
    }
    loads.push(load());
  }
  await rm(work, { recursive: true, force: true });
  const wall = (tool) => (results.has(tool) ? median(results.get(tool).map((r) => r.seconds)) : Number.NaN);
  const ratio = (seconds, tool) => (Number.isNaN(wall(tool)) ? "" : (seconds / wall(tool)).toFixed(2));
  for (const [tool, list] of results) {
    const seconds = wall(tool);
    rows.push({
      dataset: name,
      tool,
      "wall s": seconds.toFixed(1),
      "cpu s": median(list.map((r) => r.cpuSeconds)).toFixed(1),
      "peak MiB": median(list.map((r) => r.peakMiB)).toFixed(0),
      "out MiB": median(list.map((r) => r.outMiB)).toFixed(0),
      "÷ zip -r": ratio(seconds, "zip -r -q -6"),
      "÷ tar czf": ratio(seconds, "tar czf"),
      "÷ tar --zstd": ratio(seconds, "tar --zstd"),
      "÷ borg lz4": ratio(seconds, "borg lz4"),
    });
  }
  process.stderr.write(
    `${name}: load average (1 min) over the rounds: ${loads.join(", ")} on ${navigator.hardwareConcurrency} cores\n`,
  );
}
console.table(rows);
