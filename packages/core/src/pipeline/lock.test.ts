import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CairnError } from "../errors.js";
import { lockJob } from "./lock.js";

describe("lockJob", () => {
  let stateDir: string;
  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "cairn-lock-"));
  });
  afterEach(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  it("lets one run of a job in at a time", async () => {
    const first = await lockJob(stateDir, "/etc/cairn.yaml", "db");
    const second = lockJob(stateDir, "/etc/cairn.yaml", "db");
    await expect(second).rejects.toSatisfy((e) => CairnError.is(e, "LOCKED"));
    await expect(second).rejects.toThrow(`process ${process.pid}`);
    await first.release();
    const third = await lockJob(stateDir, "/etc/cairn.yaml", "db");
    await third.release();
  });

  it("does not block other jobs or other configs", async () => {
    const a = await lockJob(stateDir, "/etc/cairn.yaml", "db");
    const b = await lockJob(stateDir, "/etc/cairn.yaml", "files");
    const c = await lockJob(stateDir, "/srv/other.yaml", "db");
    await Promise.all([a.release(), b.release(), c.release()]);
  });

  it("takes over a lock whose process is gone, as after a crash", async () => {
    const first = await lockJob(stateDir, "/etc/cairn.yaml", "db");
    const [file] = await readdir(join(stateDir, "locks"));
    const child = spawn(process.execPath, ["-e", ""]);
    const deadPid = await new Promise<number>((resolve) => child.on("exit", () => resolve(child.pid!)));
    await writeFile(
      join(stateDir, "locks", file!),
      JSON.stringify({ pid: deadPid, host: hostname(), startedAt: "" }),
    );
    const second = await lockJob(stateDir, "/etc/cairn.yaml", "db");
    await second.release();
    await first.release();
  });
});
