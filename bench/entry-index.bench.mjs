#!/usr/bin/env node
// The per-entry index at scale: writes the index of N entries (1,000,000 by default) as a backup
// does, then checks N archived entries against it as verify does, sampling resident memory.
// Memory must stay flat: the index goes to a temporary file, never into the heap.
// Usage: node bench/entry-index.bench.mjs [count]   (after `npm run build`)
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";

const dist = resolve(import.meta.dirname, "..", "packages", "core", "dist", "index.js");
if (!existsSync(dist)) throw new Error("build first: npm run build");
const { ArchiveCheck, EntryIndexWriter } = await import(pathToFileURL(dist).href);

const count = Number(process.argv[2] ?? 1_000_000);
const mtime = new Date("2026-11-22T03:00:00Z");
const content = (i) => Buffer.from(`file number ${i}\n`);
const pathOf = (i) => `data/${i % 1000}/some longer folder name/file-${i}.txt`;

let peak = 0;
const sample = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 20);
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

async function* sourceEntries() {
  for (let i = 0; i < count; i++) {
    const data = content(i);
    yield { path: pathOf(i), type: "file", size: data.length, mtime, mode: 0o644, read: async () => data };
  }
}

const started = performance.now();
const writer = new EntryIndexWriter();
// What an archiver does with each entry: read it, then ask for the trailer at the end.
for await (const entry of writer.collect(sourceEntries())) await entry.read();
const trailer = await writer.trailer();
const wrote = performance.now();
console.log(
  `index of ${count.toLocaleString("en")} entries: ${mib(trailer.size)} on disk, written in ${((wrote - started) / 1000).toFixed(1)} s, peak ${mib(peak)} resident`,
);

const check = await ArchiveCheck.create();
for (let i = 0; i < count; i++) {
  const data = content(i);
  await check.add({
    path: pathOf(i),
    type: "file",
    size: data.length,
    mtime,
    mode: 0o644,
    content: Readable.from([data]),
  });
}
const result = await check.compare(trailer.open(), writer.summary, "bench");
const checked = performance.now();
await check.dispose();
await writer.dispose();
clearInterval(sample);
console.log(
  `checked ${result.checked.toLocaleString("en")} entries against it in ${((checked - wrote) / 1000).toFixed(1)} s, ${result.problems.count} problems; peak ${mib(peak)} resident overall`,
);
if (result.problems.count !== 0 || result.checked !== count) process.exit(1);
