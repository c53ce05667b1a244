#!/usr/bin/env node
// Times `cairn backup` to the local destination against `zip -r -6` and `tar czf` on the same
// data, in one run, and prints wall-time ratios and peak memory.
// Usage: npm run bench -- [mixed|small|big ...] [--runs N]
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { measure, median } from "./measure.mjs";

const repo = resolve(import.meta.dirname, "..");
const args = process.argv.slice(2);
const runsAt = args.indexOf("--runs");
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 1;
const sets = args.filter((a, i) => !a.startsWith("--") && args[i - 1] !== "--runs");
const datasets = sets.length ? sets : ["mixed", "small"];
const cli = join(repo, "apps", "cli", "dist", "main.js");
if (!existsSync(cli)) throw new Error("build first: npm run build");

spawnSync(process.execPath, [join(import.meta.dirname, "generate.mjs"), ...datasets], { stdio: "inherit" });

const rows = [];
for (const name of datasets) {
  const data = join(import.meta.dirname, "data", name);
  const work = await mkdtemp(join(tmpdir(), `cairn-bench-${name}-`));
  const config = join(work, "cairn.config.yaml");
  const tools = {
    "cairn zip (level 6)": (out) => [
      process.execPath,
      [cli, "backup", "--quiet", "--config", config],
      out,
      "zip",
    ],
    "cairn tar.gz": (out) => [
      process.execPath,
      [cli, "backup", "--quiet", "--config", config],
      out,
      "tar.gz",
    ],
    "zip -r -q -6": (out) => ["zip", ["-r", "-q", "-6", join(out, "x.zip"), name], dirname(data)],
    "tar czf": (out) => ["tar", ["czf", join(out, "x.tar.gz"), name], dirname(data)],
  };
  const results = Object.fromEntries(Object.keys(tools).map((k) => [k, []]));
  // Alternate the tools within each round so that machine noise hits them alike.
  for (let round = 0; round < runs; round++) {
    for (const [tool, make] of Object.entries(tools)) {
      const out = join(work, "out");
      await rm(out, { recursive: true, force: true });
      await mkdir(out, { recursive: true });
      const [command, argv, cwdOrOut, format] = make(out);
      if (format) {
        await writeFile(
          config,
          JSON.stringify({
            stateDir: join(work, "state"),
            destinations: { disk: { type: "local", path: out } },
            jobs: {
              bench: {
                source: { type: "path", path: data },
                archive: { format, level: 6 },
                destinations: ["disk"],
              },
            },
          }),
        );
      }
      results[tool].push(measure(command, argv, format ? work : cwdOrOut));
    }
  }
  await rm(work, { recursive: true, force: true });
  const base = (tool) => median(results[tool].map((r) => r.seconds));
  for (const [tool, list] of Object.entries(results)) {
    const seconds = median(list.map((r) => r.seconds));
    rows.push({
      dataset: name,
      tool,
      "wall s": seconds.toFixed(1),
      "peak MiB": median(list.map((r) => r.peakMiB)).toFixed(0),
      "÷ zip -r -6": (seconds / base("zip -r -q -6")).toFixed(2),
      "÷ tar czf": (seconds / base("tar czf")).toFixed(2),
    });
  }
}
console.table(rows);
