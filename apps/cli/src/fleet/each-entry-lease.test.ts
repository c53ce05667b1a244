import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { cairn } from "../__fixtures__/in-process.js";

const made: string[] = [];
afterAll(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

it("two machines of one host running an each: entry job at once upload each entry once (the lease covers the decision)", async () => {
  const shared = await mkdtemp(join(tmpdir(), "cairn-entries-"));
  made.push(shared);
  const machines: string[] = [];
  for (let i = 0; i < 2; i++) {
    const dir = await mkdtemp(join(tmpdir(), "cairn-pod-"));
    made.push(dir);
    for (const entry of ["a", "b", "c"]) {
      await mkdir(join(dir, "data", entry), { recursive: true });
      await writeFile(join(dir, "data", entry, "file.txt"), entry);
    }
    await writeFile(
      join(dir, "cairn.config.yaml"),
      `host: exports\nstateDir: ./.state\ndestinations:\n  shared: { type: local, path: ${JSON.stringify(shared)} }\njobs:\n  exports:\n    source: { type: path, path: ./data, each: entry }\n    destinations: [shared]\n`,
    );
    machines.push(dir);
  }
  const runs = await Promise.all(machines.map((dir) => cairn(["backup"], dir)));
  for (const run of runs) expect(run.code, run.stdout + run.stderr).toBe(0);
  const manifests = (await readdir(join(shared, "exports"))).filter((name) =>
    name.endsWith(".manifest.json"),
  );
  expect(manifests.map((name) => name.split("-")[0]).sort()).toEqual(["a", "b", "c"]);
  // One of the two found everything already there once it had the lease.
  expect(runs.map((r) => r.stdout).join("\n")).toMatch(/exports: nothing new to back up/);
});
