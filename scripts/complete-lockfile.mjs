#!/usr/bin/env node
// The npm registry mirror this project is developed behind serves only the Linux builds of
// platform-specific packages (Biome's and turbo's binaries), so `npm install` writes a lockfile
// without the macOS/Windows/musl entries, and `npm ci` then refuses that lockfile as out of sync.
// This adds an entry for each missing optional platform package, marked with its os/cpu so that
// npm skips it on every other machine without fetching it. Run it after `npm install`.
import { readFileSync, writeFileSync } from "node:fs";

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(file, "utf8"));
const packages = lock.packages;

const OS = [
  ["android", "android"],
  ["darwin", "darwin"],
  ["linux", "linux"],
  ["win32", "win32"],
  ["windows", "win32"],
  ["freebsd", "freebsd"],
];
const CPU = [
  ["arm64", "arm64"],
  ["x64", "x64"],
  ["-64", "x64"],
  ["ia32", "ia32"],
];

function platformOf(name) {
  const base = name.split("/").pop() ?? name;
  const os = OS.find(([token]) => base.includes(token))?.[1];
  const cpu = CPU.find(([token]) => base.includes(token))?.[1];
  if (!os || !cpu) return undefined;
  return { os: [os], cpu: [cpu], ...(base.includes("musl") ? { libc: ["musl"] } : {}) };
}

let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  if (!path.startsWith("node_modules/") || !entry.optionalDependencies) continue;
  for (const [name, version] of Object.entries(entry.optionalDependencies)) {
    const key = `node_modules/${name}`;
    if (packages[key]) continue;
    const platform = platformOf(name);
    if (!platform) continue;
    packages[key] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      ...platform,
    };
    added++;
  }
}

const sorted = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))),
);
lock.packages = sorted;
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform entr${added === 1 ? "y" : "ies"}`);
