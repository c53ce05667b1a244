// Wall time and peak memory of one command, for the bench scripts.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

if (!existsSync("/usr/bin/time")) throw new Error("needs GNU time at /usr/bin/time (Debian package `time`)");

/**
 * Runs a command under GNU time; returns wall seconds, CPU seconds (user + system: on a shared
 * machine the steadier figure of the two) and peak resident MiB.
 */
export function measure(command, argv, cwd, env = {}) {
  const result = spawnSync("/usr/bin/time", ["-v", command, ...argv], {
    cwd,
    env: { ...process.env, ...env },
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  if (result.status !== 0)
    throw new Error(`${command} ${argv.join(" ")} failed:\n${result.stderr.slice(-2000)}`);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(
    result.stderr,
  );
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr);
  const seconds = Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]);
  const cpu = ["User", "System"].reduce(
    (sum, kind) =>
      sum + Number(new RegExp(`${kind} time \\(seconds\\): ([\\d.]+)`).exec(result.stderr)?.[1] ?? 0),
    0,
  );
  return { seconds, cpuSeconds: cpu, peakMiB: Number(rss[1]) / 1024 };
}

/** Bytes under a path (a file, or a folder such as a restic or borg repository). */
export function sizeOf(path) {
  const result = spawnSync("du", ["-sb", path], { encoding: "utf8" });
  return Number(result.stdout.split("\t")[0]);
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
