import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { open, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { finished, listed, Project, simpleConfig } from "./__fixtures__/cli.js";

/** 200 MB of random bytes, written 4 MiB at a time so the test itself stays small in memory. */
async function writeRandomFile(path: string, bytes: number): Promise<void> {
  const handle = await open(path, "w");
  try {
    for (let written = 0; written < bytes; written += 4 << 20) {
      await handle.write(randomBytes(Math.min(4 << 20, bytes - written)));
    }
  } finally {
    await handle.close();
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const found = await probe();
    if (found !== undefined) return found;
    await sleep(5);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

describe("a run that is killed", () => {
  let project: Project;
  beforeEach(async () => {
    project = await Project.create();
  });
  afterEach(() => project.cleanup());

  it("killed mid-write (SIGKILL) leaves no complete-looking backup, loses none, and the next run succeeds", async () => {
    await project.file("data/big.bin", "small at first");
    // gzip level 9 on random bytes is slow enough to catch the upload half-way.
    await project.writeConfig(
      simpleConfig("./data", "retention: { maxCount: 5 }", "tar.gz").replace(
        'format: "tar.gz"',
        'format: "tar.gz", level: 9',
      ),
    );
    const first = await project.run(["backup"]);
    expect(first.code, first.stderr).toBe(0);
    const [earlier] = (await listed(project)).backups;

    await writeRandomFile(join(project.dir, "data/big.bin"), 200_000_000);
    const child = project.start(["backup"]);
    const done = finished(child);
    const folder = join(project.dir, "backups/job");
    const partial = await waitFor(
      "the partial upload",
      async () => {
        for (const name of await readdir(folder)) {
          if (name.endsWith(".partial") && (await stat(join(folder, name)).catch(() => undefined))?.size)
            return name;
        }
        return undefined;
      },
      60_000,
    );
    child.kill("SIGKILL");
    const killed = await done;
    expect(killed.signal).toBe("SIGKILL");
    expect(existsSync(join(folder, partial)), "the kill landed before the upload finished").toBe(true);

    const after = await listed(project);
    expect(after.backups.map((b) => b.id)).toEqual([earlier!.id]);

    await project.file("data/big.bin", "small again");
    const next = await project.run(["backup"]);
    expect(next.code, next.stderr).toBe(0);
    expect((await listed(project)).backups).toHaveLength(2);
  }, 120_000);

  it("two concurrent runs of one job: the second fails with LOCKED and the first completes", async () => {
    await project.file("data/a.txt", "a");
    // The first run holds the lock until the test lets it go, however slowly the second one starts.
    const release = join(project.dir, "release");
    await project.writeConfig(
      simpleConfig("./data", `hooks: { before: "while [ ! -e '${release}' ]; do sleep 0.1; done" }`),
    );
    const firstRun = finished(project.start(["backup"]));
    const locks = join(project.stateDir, "cairn", "locks");
    await waitFor(
      "the first run's lock",
      async () => ((await readdir(locks).catch(() => [])).length > 0 ? true : undefined),
      10_000,
    );

    const second = await project.run(["backup"]);
    expect(second.code).toBe(1);
    expect(second.stdout).toContain('job "job" is already running');
    expect(second.stdout).toContain("[LOCKED]");

    await writeFile(release, "");
    const first = await firstRun;
    expect(first.code, first.stderr).toBe(0);
    expect((await listed(project)).backups).toHaveLength(1);
  }, 30_000);
});
