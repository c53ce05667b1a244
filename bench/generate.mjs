#!/usr/bin/env node
// Deterministic benchmark datasets: the same bytes on every machine, so runs compare.
//   mixed  ~1 GiB, 20,034 files: compressible text and SQL, incompressible binaries, ~20k small files
//   small  100,000 files of 0.5 to 8 KiB
//   big    one 4 GiB file, alternating compressible and incompressible 64 MiB blocks
//   many   1,000,000 empty files in 1,000 folders: the cost per entry, and memory per entry
// Usage: node bench/generate.mjs [mixed|small|big|many ...] [--out DIR]
import { createCipheriv } from "node:crypto";
import { once } from "node:events";
import { closeSync, createWriteStream, existsSync, mkdirSync, openSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

const VERSION = "1";
const args = process.argv.slice(2);
const outIndex = args.indexOf("--out");
const root = resolve(outIndex >= 0 ? args[outIndex + 1] : join(import.meta.dirname, "data"));
const wanted = args.filter((a, i) => !a.startsWith("--") && args[i - 1] !== "--out");
const sets = wanted.length ? wanted : ["mixed", "small"];

/** xorshift32: fast, seeded, good enough to pick sizes and words. */
function prng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

/** Incompressible but deterministic: AES-256-CTR keystream from a fixed key. */
function randomBytesStream(seed) {
  const key = Buffer.alloc(32, seed);
  const cipher = createCipheriv("aes-256-ctr", key, Buffer.alloc(16, 0));
  const zeros = Buffer.alloc(1 << 20);
  return (n) => cipher.update(n === zeros.length ? zeros : Buffer.alloc(n));
}

const WORDS =
  "backup archive restore select insert update delete from where table index value customer order invoice total amount date status pending shipped paid refund note the of and to in for with on by at server file data folder nightly weekly monthly retention".split(
    " ",
  );

function textChunk(rand, bytes, sql) {
  const parts = [];
  let size = 0;
  let id = Math.floor(rand() * 1e6);
  while (size < bytes) {
    let line;
    if (sql) {
      id += 1;
      line = `INSERT INTO orders (id, customer, status, amount, note) VALUES (${id}, 'customer-${Math.floor(rand() * 5000)}', '${WORDS[Math.floor(rand() * 8) + 20]}', ${(rand() * 1000).toFixed(2)}, '${WORDS[Math.floor(rand() * WORDS.length)]} ${WORDS[Math.floor(rand() * WORDS.length)]}');\n`;
    } else {
      const n = 6 + Math.floor(rand() * 10);
      const words = [];
      for (let i = 0; i < n; i++) words.push(WORDS[Math.floor(rand() * WORDS.length)]);
      line = `${words.join(" ")}.\n`;
    }
    parts.push(line);
    size += line.length;
  }
  return Buffer.from(parts.join("")).subarray(0, bytes);
}

async function writeLarge(path, bytes, makeChunk) {
  const out = createWriteStream(path);
  let left = bytes;
  while (left > 0) {
    const n = Math.min(left, 1 << 20);
    if (!out.write(makeChunk(n))) await once(out, "drain");
    left -= n;
  }
  out.end();
  await once(out, "finish");
}

async function smallFiles(dir, count, seed) {
  const rand = prng(seed);
  for (let i = 0; i < count; i++) {
    const sub = join(dir, `d${String(Math.floor(i / 500)).padStart(3, "0")}`);
    if (i % 500 === 0) await mkdir(sub, { recursive: true });
    const size = 512 + Math.floor(rand() * (8192 - 512));
    await writeFile(join(sub, `f${String(i).padStart(6, "0")}.txt`), textChunk(rand, size, i % 3 === 0));
  }
}

async function mixed(dir) {
  await smallFiles(join(dir, "small"), 20_000, 7);
  const rand = prng(11);
  await mkdir(join(dir, "text"), { recursive: true });
  for (let i = 0; i < 20; i++)
    await writeLarge(join(dir, "text", `dump-${i}.sql`), 20 << 20, (n) => textChunk(rand, n, i % 2 === 0));
  await mkdir(join(dir, "binary"), { recursive: true });
  for (let i = 0; i < 10; i++)
    await writeLarge(join(dir, "binary", `blob-${i}.bin`), 50 << 20, randomBytesStream(i + 1));
  await mkdir(join(dir, "empty-folder"), { recursive: true });
}

async function big(dir) {
  await mkdir(dir, { recursive: true });
  const rand = prng(5);
  const random = randomBytesStream(42);
  let written = 0;
  await writeLarge(join(dir, "huge.bin"), 4 * 1024 ** 3, (n) => {
    const block = Math.floor(written / (64 << 20));
    written += n;
    return block % 2 === 0 ? textChunk(rand, n, true) : random(n);
  });
}

function many(dir) {
  for (let d = 0; d < 1000; d++) {
    const sub = join(dir, `d${String(d).padStart(3, "0")}`);
    mkdirSync(sub);
    // Synchronous opens: a million promise round trips would take minutes.
    for (let f = 0; f < 1000; f++) closeSync(openSync(join(sub, `e${String(f).padStart(3, "0")}`), "w"));
  }
}

const makers = { mixed, small: (dir) => smallFiles(dir, 100_000, 3), big, many };
for (const name of sets) {
  const dir = join(root, name);
  const marker = join(root, `${name}.complete-v${VERSION}`);
  if (existsSync(marker)) {
    console.log(`${name}: already at ${dir}`);
    continue;
  }
  if (!makers[name]) throw new Error(`unknown dataset ${name} (mixed, small, big, many)`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const started = Date.now();
  await makers[name](dir);
  await writeFile(marker, new Date().toISOString());
  console.log(`${name}: generated at ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
