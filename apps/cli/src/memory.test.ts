import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, finished, Project, simpleConfig } from "./__fixtures__/cli.js";

const MiB = 1024 * 1024;
const GNU_TIME = "/usr/bin/time";

/** Text that deflates like source code or logs do, not like one repeated byte. */
function textLike(bytes: number, seed: number): Buffer {
  const words = [
    "backup",
    "archive",
    "retention",
    "INSERT INTO",
    "2026-12-01",
    "error",
    "ok",
    "\n",
    "{",
    "}",
  ];
  const parts: string[] = [];
  let length = 0;
  for (let i = seed; length < bytes; i = (i * 1103515245 + 12345) % 2 ** 31) {
    const word = `${words[i % words.length]} ${i % 9973} `;
    parts.push(word);
    length += word.length;
  }
  return Buffer.from(parts.join("")).subarray(0, bytes);
}

describe("memory", () => {
  let project: Project;
  beforeAll(async () => {
    if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} not found: run \`apt-get install time\``);
    project = await Project.create();
    // ~230 MiB of what people back up: many small files (deflated ahead on the thread pool),
    // incompressible ones (stored), and a large compressible one (deflated in parallel blocks).
    for (let i = 0; i < 3000; i++)
      await project.file(`data/small/${i % 30}/f${i}.txt`, textLike(2048 + (i % 7) * 2048, i));
    for (let i = 0; i < 8; i++) await project.file(`data/media/clip${i}.bin`, randomBytes(16 * MiB));
    await project.file("data/db/dump.sql", textLike(64 * MiB, 7));
  }, 120_000);
  afterAll(async () => {
    await project?.cleanup();
  });

  // The goal is 150 MB on the bench's gigabyte trees (bench/README.md). This smaller tree peaks at
  // ~115 MB, and at ~148 MB when V8's young generation is left to grow (see v8-flags.ts): 130 MB
  // tells the two apart with room for a noisy machine.
  async function peakOfBackup(extra = ""): Promise<number> {
    await project.writeConfig(simpleConfig("./data", extra));
    const child = spawn(GNU_TIME, ["-f", "peak-kib=%M", process.execPath, CLI, "backup", "--quiet"], {
      cwd: project.dir,
      env: { ...process.env, XDG_STATE_HOME: project.stateDir, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const run = await finished(child);
    expect(run.code, run.stderr).toBe(0);
    const peakKiB = Number(/peak-kib=(\d+)/.exec(run.stderr)?.[1]);
    expect(peakKiB).toBeGreaterThan(0);
    return peakKiB * 1024;
  }

  it("cairn backup stays well under 150 MB resident", async () => {
    expect(await peakOfBackup()).toBeLessThan(130_000_000);
  }, 120_000);

  // Encryption is one more stream stage (64 KiB chunks), so memory stays flat, but not yet under
  // the bound above: measured 136 to 142 MB here against 111 to 117 without it. The age
  // libraries' heap raises V8's collection limit (the CLI collects their load garbage at once,
  // v8-flags.ts, which took 142-151 MB down), and sealing gives every chunk a new buffer. 150 MB,
  // the bench's goal, still catches a stage that buffers what it encrypts.
  it("cairn backup with encryption stays flat, under the bench's 150 MB", async () => {
    const recipient = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
    expect(await peakOfBackup(`encryption: { recipients: ["${recipient}"] }`)).toBeLessThan(150_000_000);
  }, 120_000);
});
