#!/usr/bin/env node
// Put throughput of cairn's SFTP destination against OpenSSH's own `sftp -b` client, both
// uploading the same file to the same throw-away sshd on 127.0.0.1. Prints both and the ratio.
// --latency MS puts a proxy adding MS of round-trip time in front of sshd for both clients, to
// show what a real link does to throughput (one write at a time would crawl there).
// Usage: npx node bench/sftp.mjs [MiB] [--runs N] [--writes writesInFlight] [--latency MS]   (after `npm run build`; needs openssh-server)
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createReadStream, existsSync } from "node:fs";
import { mkdtemp, open, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";

const repo = resolve(import.meta.dirname, "..");
const dist = (pkg, file) => join(repo, "packages", pkg, "dist", file);
const cliFlags = join(repo, "apps", "cli", "dist", "v8-flags.js");
for (const file of [dist("destination-sftp", "index.js"), dist("testkit", "sshd/index.js"), cliFlags]) {
  if (!existsSync(file)) throw new Error(`build first (npm run build): ${file} is missing`);
}
// The destination runs here as it does in the cairn command: with the CLI's V8 settings.
const { applyV8Flags } = await import(pathToFileURL(cliFlags).href);
applyV8Flags();
const { default: sftpPlugin } = await import(pathToFileURL(dist("destination-sftp", "index.js")).href);
const { startSshd } = await import(pathToFileURL(dist("testkit", "sshd/index.js")).href);
const { silentLogger } = await import(pathToFileURL(dist("core", "index.js")).href);

const args = process.argv.slice(2);
const runsAt = args.indexOf("--runs");
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
const writesAt = args.indexOf("--writes");
const latencyAt = args.indexOf("--latency");
const latencyMs = latencyAt >= 0 ? Number(args[latencyAt + 1]) : 0;
const flags = ["--runs", "--writes", "--latency"];
const mib = Number(args.find((a, i) => !a.startsWith("--") && !flags.includes(args[i - 1])) ?? 1024);
const bytes = mib * 1024 * 1024;

const work = await mkdtemp(join(tmpdir(), "cairn-bench-sftp-"));
const server = await startSshd();
const proxy = latencyMs > 0 ? await startDelayProxy(server.port, latencyMs) : undefined;
const port = proxy?.port ?? server.port;
try {
  const source = join(work, "payload.bin");
  await writeRandomFile(source, bytes);

  const options = sftpPlugin.options.parse({
    host: server.host,
    port,
    username: server.username,
    path: `${server.dataDir}/bench`,
    privateKey: server.clientKey.privateKey,
    hostKey: server.hostKeyFingerprint,
    ...(writesAt >= 0 ? { writesInFlight: Number(args[writesAt + 1]) } : {}),
  });
  const cairnTimes = [];
  const opensshTimes = [];
  const cairnGetTimes = [];
  const opensshGetTimes = [];
  for (let run = 0; run < runs; run++) {
    const destination = await sftpPlugin.create(options, {
      logger: silentLogger,
      baseDir: work,
      name: "bench",
    });
    const key = `cairn-${run}.bin`;
    let started = performance.now();
    await destination.put(key, createReadStream(source, { highWaterMark: 1024 * 1024 }), {
      size: bytes,
      signal: new AbortController().signal,
    });
    cairnTimes.push((performance.now() - started) / 1000);
    started = performance.now();
    for await (const _chunk of await destination.get(key, { signal: new AbortController().signal })) {
      // Read and drop, as a verify would hash it.
    }
    cairnGetTimes.push((performance.now() - started) / 1000);
    await destination.delete(key);
    await destination.close();

    started = performance.now();
    await opensshBatch(server, port, `put ${source} ${server.dataDir}/bench/openssh-${run}.bin`, work);
    opensshTimes.push((performance.now() - started) / 1000);
    started = performance.now();
    await opensshBatch(server, port, `get ${server.dataDir}/bench/openssh-${run}.bin /dev/null`, work);
    opensshGetTimes.push((performance.now() - started) / 1000);
    await rm(`${server.dataDir}/bench/openssh-${run}.bin`);
  }
  const best = (times) => Math.min(...times);
  const rate = (seconds) => (mib / seconds).toFixed(0);
  const link = latencyMs > 0 ? `through a proxy adding ${latencyMs} ms round trip` : "direct";
  console.log(`payload ${mib} MiB, best of ${runs} runs, sshd on 127.0.0.1, ${link} (${process.version})`);
  const line = (label, times) =>
    console.log(
      `${label.padEnd(28)}${best(times).toFixed(2)} s  ${rate(best(times))} MiB/s  (runs: ${times.map((t) => t.toFixed(2)).join(", ")})`,
    );
  line("cairn put", cairnTimes);
  line("OpenSSH sftp -b put", opensshTimes);
  console.log(
    `put ratio (cairn / OpenSSH throughput): ${(best(opensshTimes) / best(cairnTimes)).toFixed(2)}`,
  );
  line("cairn get", cairnGetTimes);
  line("OpenSSH sftp -b get", opensshGetTimes);
  console.log(
    `get ratio (cairn / OpenSSH throughput): ${(best(opensshGetTimes) / best(cairnGetTimes)).toFixed(2)}`,
  );
} finally {
  proxy?.close();
  await server.stop();
  await rm(work, { recursive: true, force: true });
}

/** Incompressible data, so neither side gains from compression. */
async function writeRandomFile(path, size) {
  const { randomFillSync } = await import("node:crypto");
  const file = await open(path, "w");
  const block = Buffer.alloc(8 * 1024 * 1024);
  for (let written = 0; written < size; written += block.length) {
    randomFillSync(block);
    await file.write(block, 0, Math.min(block.length, size - written));
  }
  await file.close();
  if ((await stat(path)).size !== size) throw new Error("could not write the payload");
}

function opensshBatch(sshd, port, command, dir) {
  return new Promise((resolvePut, reject) => {
    const child = spawn(
      "sftp",
      [
        "-b",
        "-",
        "-i",
        sshd.clientKey.privateKeyPath,
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        `UserKnownHostsFile=${join(dir, "known_hosts")}`,
        "-o",
        "IdentitiesOnly=yes",
        "-P",
        String(port),
        `${sshd.username}@127.0.0.1`,
      ],
      { stdio: ["pipe", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolvePut() : reject(new Error(`sftp -b failed (${code}): ${stderr}`)),
    );
    child.stdin.end(`${command}\n`);
  });
}

/**
 * Runs bench/delay-proxy.mjs in a process of its own, so that relaying every byte twice does
 * not take CPU time from cairn's event loop (OpenSSH's client runs apart from it too).
 */
async function startDelayProxy(targetPort, roundTripMs) {
  const child = spawn(
    process.execPath,
    [join(import.meta.dirname, "delay-proxy.mjs"), String(targetPort), String(roundTripMs)],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const [line] = await once(createInterface({ input: child.stdout }), "line");
  return { port: Number(line), close: () => child.kill() };
}
