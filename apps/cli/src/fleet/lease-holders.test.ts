import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { cairnJson } from "../__fixtures__/in-process.js";
import { type SharedKind, startShared } from "../__fixtures__/shared-destinations.js";

const HOLDER = fileURLToPath(new URL("../__fixtures__/hold-lease.mjs", import.meta.url));
const EXPIRY_MS = 1500;

interface Plans {
  plans: { error?: { code: string; message: string }; removed?: string[] }[];
}

const made: string[] = [];
afterAll(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

async function project(entry: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "cairn-lease-"));
  made.push(dir);
  await mkdir(join(dir, "data"));
  await writeFile(join(dir, "data", "a.txt"), "a\n");
  await writeFile(
    join(dir, "cairn.config.yaml"),
    `host: pruner\nstateDir: ./.state\nlockWait: 3s\nlockExpiry: ${EXPIRY_MS}ms\ndestinations:\n  shared: ${entry}\njobs:\n  db:\n    source: { type: path, path: ./data }\n    destinations: [shared]\n    retention: { keepLast: 1 }\n`,
  );
  return dir;
}

/** Another host's cairn, in its own process, holding job db's lease until it is killed. */
async function startHolder(entry: string) {
  const child = spawn(process.execPath, [HOLDER, entry, "holder", String(EXPIRY_MS)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("held") && resolve());
    child.once("exit", (code) => reject(new Error(`the lease holder exited (${code}): ${err}`)));
  });
  return child;
}

describe.each<SharedKind>(["local", "sftp", "gcs", "dropbox"])("a lease at a %s destination", (kind) => {
  it("is never taken from a live holder, and is taken over once a killed holder's lease expires", async () => {
    const shared = await startShared(kind);
    const holder = await startHolder(shared.entry);
    try {
      const dir = await project(shared.entry);
      // Held and renewed all along by a live process: the prune waits its lockWait, then names it.
      const started = Date.now();
      const refused = await cairnJson<Plans>(["prune"], dir);
      expect(refused.$run.code).not.toBe(0);
      expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
      expect(refused.plans[0]?.error?.code).toBe("LOCKED");
      expect(refused.plans[0]?.error?.message).toMatch(
        new RegExp(`leased by holder \\(pid ${holder.pid}\\)`),
      );

      holder.kill("SIGKILL");
      await new Promise((resolve) => holder.once("exit", resolve));
      const killedAt = Date.now();
      const taken = await cairnJson<Plans>(["prune", "--verbose"], dir);
      expect(taken.$run.code, taken.$run.stderr).toBe(0);
      expect(taken.$run.stderr).toMatch(/took over the expired lease on job db at shared, held by holder/);
      // Not before the lease ran out: the holder renewed it a third of the expiry before its death at most.
      expect(Date.now() - killedAt).toBeGreaterThanOrEqual(EXPIRY_MS / 3);
    } finally {
      holder.kill("SIGKILL");
      await shared.stop();
    }
  });
});

describe("a backup whose prune cannot get the lease", () => {
  it("keeps the backup, names the holder and exits 3, so a prune that keeps failing is seen", async () => {
    const shared = await startShared("local");
    const holder = await startHolder(shared.entry);
    try {
      const dir = await project(shared.entry);
      const run = await cairnJson<{
        results: {
          id: string;
          destinations: { status: string; retention?: { errors: { code: string }[] } }[];
        }[];
      }>(["backup"], dir);
      expect(run.$run.code, run.$run.stderr).toBe(3);
      const [result] = run.results;
      expect(result?.destinations[0]?.status).toBe("ok");
      expect(result?.destinations[0]?.retention?.errors.map((e) => e.code)).toEqual(["LOCKED"]);
      const listed = await cairnJson<{ backups: { id: string }[] }>(["list"], dir);
      expect(listed.backups.map((b) => b.id)).toContain(result?.id);
    } finally {
      holder.kill("SIGKILL");
      await shared.stop();
    }
  });
});
