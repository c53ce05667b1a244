import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DrillResult } from "@cairn/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CLI, finished } from "./__fixtures__/cli.js";
import { cairn, cairnJson } from "./__fixtures__/in-process.js";

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

/** Names that trip up shells, option parsers and encodings. */
const AWKWARD = [
  "a file with spaces.txt",
  "ünïcödé ☃.txt",
  "-leading-dash.txt",
  "--double",
  "sub dir/-x y.txt",
];

describe("cairn drill", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "cairn-drill-test-"));
    for (const [i, name] of AWKWARD.entries()) {
      await mkdir(join(dir, "data", name, ".."), { recursive: true });
      await writeFile(join(dir, "data", name), `content of file ${i}\n`.repeat(50 + i));
    }
    await symlink("ünïcödé ☃.txt", join(dir, "data", "link to unicode"));
    // Larger than what restore writes in one call: streamed to disk.
    await writeFile(join(dir, "data", "sub dir", "big.bin"), randomBytes(300_000));
    await mkdir(join(dir, "sandbox"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // tar stores file bytes as they are and has no checksum over them: a changed byte is caught
  // by nothing but the per-entry index.
  async function config(extra = "", format = "tar") {
    await writeFile(
      join(dir, "cairn.config.yaml"),
      `stateDir: ./state
destinations:
  disk: { type: local, path: ./backups }
jobs:
  files:
    source: { type: path, path: ./data }
    archive: { format: ${format} }
    destinations: [disk]
${extra}`,
    );
  }

  async function backUp(): Promise<string> {
    const run = await cairn(["backup"], dir);
    expect(run.code, run.stderr).toBe(0);
    return /backup (files-\S+) ok/.exec(run.stdout)![1]!;
  }

  const drill = (...args: string[]) =>
    cairnJson<{ drills: DrillResult[] }>(["drill", "--sandbox", "sandbox", ...args], dir);

  it("passes on an intact backup of awkward names, says how long it took, and leaves no sandbox", async () => {
    await config();
    const id = await backUp();
    const { drills, $run } = await drill();
    expect($run.code, $run.stderr).toBe(0);
    const [result] = drills;
    expect(result).toMatchObject({ job: "files", id, status: "ok", indexed: true, destination: "disk" });
    // data, sub dir, six files, one link.
    expect(result!.restored!.entries).toBe(9);
    expect(result!.checked).toBe(9);
    expect(result!.restored!.bytes).toBeGreaterThan(0);
    expect(result!.restored!.durationMs).toBeGreaterThanOrEqual(0);
    expect(result!.restored!.bytesPerSecond).toBeGreaterThan(0);
    expect(await readdir(join(dir, "sandbox"))).toEqual([]);
    const text = await cairn(["drill", "--sandbox", "sandbox"], dir);
    expect(text.stdout).toMatch(
      new RegExp(
        `^ok {6}files {2}${id} from disk: 9 entries, .* restored in [\\d.]+s \\(.*/s\\), every file matches its index`,
      ),
    );
  });

  it("fails, naming the file, when one byte inside the archive changed and the archive's SHA-256 was updated to match", async () => {
    await config();
    const id = await backUp();
    const archive = join(dir, "backups", "files", `${id}.tar`);
    const manifestFile = join(dir, "backups", "files", `${id}.manifest.json`);
    const bytes = await readFile(archive);
    const at = bytes.indexOf("content of file 2");
    bytes[at + 8] = "F".charCodeAt(0);
    await writeFile(archive, bytes);
    const manifest = JSON.parse(await readFile(manifestFile, "utf8"));
    manifest.archive.sha256 = sha256(bytes);
    await writeFile(manifestFile, JSON.stringify(manifest));
    // The stored object as such checks out: only the per-entry check can catch this.
    expect((await cairn(["list"], dir)).stdout).toContain(id);

    const { drills, $run } = await drill();
    expect($run.code).toBe(1);
    expect(drills[0]).toMatchObject({ status: "failed", error: { code: "DRILL_FAILED" } });
    expect(drills[0]!.error!.message).toMatch(
      /^1 entry differs from the backup's index: "data\/-leading-dash\.txt" has different content as restored \(SHA-256 /,
    );
    expect(await readdir(join(dir, "sandbox"))).toEqual([]);
    const text = await cairn(["drill", "--sandbox", "sandbox"], dir);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(
      /^FAILED {2}files {2}\S+ from disk: 1 entry differs .*"data\/-leading-dash\.txt"/,
    );
  });

  it("--sample N restores exactly N files, and --random picks among the kept backups only", async () => {
    for (let i = 0; i < 30; i++) await writeFile(join(dir, "data", `many ${i}.txt`), `file ${i}`);
    await config("    retention: { keepLast: 3 }\n");
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      ids.push(await backUp());
      // Backup ids are to the second.
      await new Promise((done) => setTimeout(done, 1100));
    }
    const kept = ids.slice(1);

    const sampled = await drill("--sample", "7");
    expect(sampled.$run.code, sampled.$run.stderr).toBe(0);
    expect(sampled.drills[0]).toMatchObject({ id: ids[3], sample: 7, checked: 7, status: "ok" });
    expect(sampled.drills[0]!.restored!.entries).toBe(7);
    const all = await drill("--sample", "1000");
    expect(all.drills[0]!.restored!.entries).toBe(36);

    const picked = new Set<string>();
    for (let i = 0; i < 15; i++) {
      const { drills } = await drill("--random", "--sample", "1");
      expect(drills[0]!.status).toBe("ok");
      picked.add(drills[0]!.id!);
    }
    // 15 draws from 3: all alike with odds of 1 in 1.6 million.
    expect(picked.size).toBeGreaterThan(1);
    for (const id of picked) expect(kept).toContain(id);

    const bad = await cairn(["drill", "--sample", "0"], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--sample 0 is not a whole number above 0/);
  }, 60_000);

  it("--compare reports what changed in the live folder since the backup, and still passes", async () => {
    await config();
    await backUp();
    await writeFile(join(dir, "data", "a file with spaces.txt"), "changed\n");
    await writeFile(join(dir, "data", "new one.txt"), "new\n");
    await rm(join(dir, "data", "--double"));
    const { drills, $run } = await drill("--compare");
    expect($run.code).toBe(0);
    expect(drills[0]!.changes).toMatchObject({ changed: 1, added: 1, removed: 1, unchanged: 5 });
    expect(drills[0]!.changes!.examples.sort()).toEqual([
      '"data/--double" was removed since the backup',
      '"data/a file with spaces.txt" has 8 bytes now, 900 in the backup',
      '"data/new one.txt" is new since the backup',
    ]);
  });

  it("drills an encrypted backup with --identity, and exits 2 naming the fix without one", async () => {
    const made = await cairn(["keygen", "-o", "key.txt"], dir);
    expect(made.code, made.stderr).toBe(0);
    await config(`    encryption: { recipients: ["${made.stdout.trim()}"] }\n`, "zip");
    await backUp();
    const ok = await drill("--identity", "key.txt");
    expect(ok.$run.code, ok.$run.stderr).toBe(0);
    expect(ok.drills[0]).toMatchObject({ status: "ok", checked: 9 });
    const none = await drill();
    expect(none.$run.code).toBe(2);
    expect(none.drills[0]!.error!.code).toBe("DECRYPT_NO_IDENTITY");
    expect(await readdir(join(dir, "sandbox"))).toEqual([]);
  });

  it("records the drill where cairn status finds it", async () => {
    await config();
    await backUp();
    await drill();
    const status = await cairnJson<{ jobs: { drill?: { last?: { status: string }; stale: boolean } }[] }>(
      ["status"],
      dir,
    );
    expect(status.jobs[0]!.drill).toMatchObject({ last: { status: "ok" }, stale: false });
  });

  it("removes the sandbox when it is interrupted in the middle of the restore", async () => {
    // Incompressible and stored: the restore takes long enough to be stopped halfway.
    for (let i = 0; i < 6; i++)
      await writeFile(join(dir, "data", `part ${i}.bin`), randomBytes(40 * 1024 * 1024));
    await config();
    await backUp();
    const child = spawn(process.execPath, [CLI, "drill", "--sandbox", "sandbox"], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output = finished(child);
    // Stop it once the first big part is being written.
    let restoring = false;
    for (let waited = 0; waited < 20_000 && !restoring; waited += 20) {
      await new Promise((done) => setTimeout(done, 20));
      restoring = (await readdir(join(dir, "sandbox"), { recursive: true })).some((name) =>
        name.endsWith(".bin"),
      );
    }
    expect(restoring).toBe(true);
    child.kill("SIGINT");
    const run = await output;
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout, run.stderr).toMatch(/^FAILED {2}files {2}\S+ from disk: .*\[ABORTED\]/m);
    expect(await readdir(join(dir, "sandbox"))).toEqual([]);
  }, 60_000);
});
