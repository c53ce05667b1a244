#!/usr/bin/env node
// What encryption costs a backup: `cairn backup` of one dataset to the local destination, with
// and without `encryption` (one X25519 recipient), alternating in one run.
// Usage: node bench/encryption.mjs [mixed|small|big] [--runs N] [--format zip|tar.gz]
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { measure, median } from "./measure.mjs";

const repo = resolve(import.meta.dirname, "..");
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const runs = Number(option("--runs", "3"));
const format = option("--format", "zip");
const dataset = args.find((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--")) ?? "mixed";
const cli = join(repo, "apps", "cli", "dist", "main.js");
if (!existsSync(cli)) throw new Error("build first: npm run build");

spawnSync(process.execPath, [join(import.meta.dirname, "generate.mjs"), dataset], { stdio: "inherit" });
const data = join(import.meta.dirname, "data", dataset);
const work = await mkdtemp(join(tmpdir(), "cairn-bench-age-"));
const made = spawnSync(process.execPath, [cli, "keygen", "-o", join(work, "key.txt")], { encoding: "utf8" });
const recipient = made.stdout.trim();

const variants = { plain: undefined, encrypted: { recipients: [recipient] } };
const results = { plain: [], encrypted: [] };
for (let round = 0; round < runs; round++) {
  // Alternate, so that machine noise hits both alike.
  for (const [name, encryption] of Object.entries(variants)) {
    const out = join(work, "out");
    await rm(out, { recursive: true, force: true });
    await mkdir(out, { recursive: true });
    const config = join(work, "cairn.config.yaml");
    const job = {
      source: { type: "path", path: data },
      archive: { format, level: 6 },
      destinations: ["disk"],
    };
    await writeFile(
      config,
      JSON.stringify({
        stateDir: join(work, "state"),
        destinations: { disk: { type: "local", path: out } },
        jobs: { bench: encryption ? { ...job, encryption } : job },
      }),
    );
    results[name].push(measure(process.execPath, [cli, "backup", "--quiet", "--config", config], work));
  }
}
await rm(work, { recursive: true, force: true });
const plain = median(results.plain.map((r) => r.seconds));
console.table(
  Object.entries(results).map(([name, list]) => ({
    dataset,
    format,
    variant: name,
    "wall s (median)": median(list.map((r) => r.seconds)).toFixed(1),
    runs: list.map((r) => r.seconds.toFixed(1)).join(" "),
    "peak MiB": median(list.map((r) => r.peakMiB)).toFixed(0),
    "÷ plain": (median(list.map((r) => r.seconds)) / plain).toFixed(3),
  })),
);
