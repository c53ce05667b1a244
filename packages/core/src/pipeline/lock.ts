import { createHash } from "node:crypto";
import { mkdir, open, readFile, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { CairnError } from "../errors.js";

export interface JobLock {
  release(): Promise<void>;
}

interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

/**
 * One run of a job at a time. The lock file names its owner's process, so a lock left by a
 * killed run is recognised at once (its process is gone) instead of after a timeout.
 */
export async function lockJob(stateDir: string, configFile: string, job: string): Promise<JobLock> {
  const dir = join(stateDir, "locks");
  await mkdir(dir, { recursive: true });
  const tag = createHash("sha256").update(configFile).digest("hex").slice(0, 12);
  const file = join(dir, `${job}-${tag}.lock`);
  const me: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };

  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(file, "wx");
      await handle.writeFile(JSON.stringify(me));
      await handle.close();
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          await unlink(file).catch(() => undefined);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = await readOwner(file);
    if (owner && isAlive(owner)) {
      throw new CairnError(
        "LOCKED",
        `job "${job}" is already running (process ${owner.pid} on ${owner.host} since ${owner.startedAt})`,
        {
          hint: `wait for it to finish; if no such process runs, delete ${file}`,
        },
      );
    }
    await unlink(file).catch(() => undefined); // stale: its process is gone
  }
  throw new CairnError("LOCKED", `could not take the lock for job "${job}" at ${file}`);
}

async function readOwner(file: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as LockOwner;
  } catch {
    // Being written right now by its owner, or garbage: treat an unreadable lock as held once.
    return { pid: -1, host: "", startedAt: "" };
  }
}

function isAlive(owner: LockOwner): boolean {
  if (owner.pid === -1) return true;
  if (owner.host !== hostname()) return true; // cannot see another machine's processes
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
