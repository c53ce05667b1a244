#!/usr/bin/env node
// The tar writer's cost per entry: N entries (100,000 by default) of 4 KiB each, from memory, into
// a sink, through cairn's tar writer (`createArchiver("tar").write`, with its read-ahead and output
// batching) and through `tar-stream`'s bare `pack()` fed one entry at a time, in turn, `--runs`
// times. Wall and CPU seconds per run; no compression, so what is left is the per-entry path.
// Usage: node bench/tar-writer.bench.mjs [count] [--runs N]   (after `npm run build`)
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { pathToFileURL } from "node:url";

const root = resolve(import.meta.dirname, "..");
const dist = (pkg) => resolve(root, "packages", pkg, "dist", "index.js");
if (!existsSync(dist("archiver"))) throw new Error("build first: npm run build");
const { createArchiver } = await import(pathToFileURL(dist("archiver")).href);
const { silentLogger } = await import(pathToFileURL(dist("core")).href);
const tar = createRequire(resolve(root, "packages", "archiver", "package.json"))("tar-stream");

const args = process.argv.slice(2);
const runsAt = args.indexOf("--runs");
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 2;
const count = Number(args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== "--runs") ?? 100_000);
const content = Buffer.alloc(4096, "x");
const mtime = new Date("2026-11-22T03:00:00Z");
const pathOf = (i) => `data/${i % 1000}/file-${i}.txt`;

async function* sourceEntries() {
  for (let i = 0; i < count; i++) {
    yield {
      path: pathOf(i),
      type: "file",
      size: content.length,
      mtime,
      mode: 0o644,
      read: async () => content,
    };
  }
}

const sink = () =>
  new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });

async function cairnTar() {
  const ctx = { signal: new AbortController().signal, logger: silentLogger };
  await pipeline(createArchiver("tar").write(sourceEntries(), ctx), sink());
}

async function tarStreamPack() {
  const pack = tar.pack();
  const written = pipeline(pack, sink());
  for await (const entry of sourceEntries()) {
    const data = await entry.read();
    await new Promise((done, fail) =>
      pack.entry({ name: entry.path, size: data.length, mtime, mode: entry.mode }, data, (e) =>
        e ? fail(e) : done(),
      ),
    );
  }
  pack.finalize();
  await written;
}

async function measure(name, run) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const wall = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  console.log(`${name.padEnd(22)} ${wall.toFixed(2)} s wall  ${cpuSeconds.toFixed(2)} s CPU`);
}

console.log(`${count.toLocaleString("en")} entries of 4 KiB, ${runs} runs, load ${loadAverage()}`);
for (let i = 0; i < runs; i++) {
  await measure("cairn tar writer", cairnTar);
  await measure("tar-stream pack()", tarStreamPack);
}
console.log(`load at the end ${loadAverage()}`);

function loadAverage() {
  return loadavg()[0].toFixed(1);
}
