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

  // Not yet under the bound above, though close. Measured on this tree (2026-12-04, GNU time,
  // alternating runs): plain 104 to 110 MiB, encrypted 115 to 125 MiB (121 to 131 MB; one CI run
  // on a clean clone gave 130.6 MB). Every sealed 64 KiB chunk is a new buffer, garbage until V8's
  // next collection (node:crypto cannot seal into a given buffer). It was 127 to 136 MiB while
  // every encrypted backup loaded `age-encryption`, whose index brings its post-quantum and P-256
  // code: the headers are cairn's own since (packages/core/src/encryption/header.ts). 140 MB
  // still fails a stage that buffered what it encrypts.
  it("cairn backup with encryption stays flat, under 140 MB", async () => {
    const recipient = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
    expect(await peakOfBackup(`encryption: { recipients: ["${recipient}"] }`)).toBeLessThan(140_000_000);
  }, 120_000);
});

describe("memory of a drill", () => {
  let project: Project;
  beforeAll(async () => {
    if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} not found: run \`apt-get install time\``);
    project = await Project.create();
    // 100,000 small files in 100 folders: the drill's lists (what was restored, the index) must
    // stream from disk, never grow in memory.
    for (let folder = 0; folder < 100; folder++) {
      const writes = [];
      for (let i = 0; i < 1000; i++)
        writes.push(project.file(`data/d${folder}/file ${i}.txt`, `folder ${folder} file ${i}\n`));
      await Promise.all(writes);
    }
    await project.writeConfig(simpleConfig("./data"));
    const backup = await project.run(["backup", "--quiet"]);
    expect(backup.code, backup.stderr).toBe(0);
  }, 300_000);
  afterAll(async () => {
    await project?.cleanup();
  });

  it("cairn drill of 100,000 files restores and checks them all in flat memory", async () => {
    const child = spawn(
      GNU_TIME,
      ["-f", "peak-kib=%M", process.execPath, CLI, "drill", "--json", "--sandbox", "sandbox"],
      {
        cwd: project.dir,
        env: { ...process.env, XDG_STATE_HOME: project.stateDir, NO_COLOR: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const run = await finished(child);
    expect(run.code, run.stderr).toBe(0);
    const [drill] = (
      JSON.parse(run.stdout) as { drills: { checked: number; restored: { entries: number } }[] }
    ).drills;
    // The 100,000 files, their 100 folders and the top folder, every one read back and checked.
    expect(drill!.restored.entries).toBe(100_101);
    expect(drill!.checked).toBe(100_101);
    const peak = Number(/peak-kib=(\d+)/.exec(run.stderr)?.[1]) * 1024;
    expect(peak).toBeGreaterThan(0);
    // The bound of the plain backup above. Measured 142 MB when V8 let the heap grow to four times its
    // live size before its first full collection (13 to 50 MiB of heap, the garbage of 100,000
    // entries' streams), 110 MB since the heap may grow by only half (v8-flags.ts). A list
    // of entries held in memory would still cross it (Node's own `rm -r` of the sandbox alone
    // took the drill to 280 MB).
    expect(peak).toBeLessThan(130_000_000);
    expect(await project.ls("sandbox")).toEqual([]);
  }, 300_000);
});
