import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cairn, cairnJson } from "../__fixtures__/in-process.js";
import { SHARED_KINDS, startShared } from "../__fixtures__/shared-destinations.js";

interface Listed {
  backups: { id: string; host: string }[];
}

const made: string[] = [];
afterAll(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

/** A host's own folder: its config (with `host:`) and a little data to back up. */
async function hostProject(host: string, entry: string, retention: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `cairn-${host}-`));
  made.push(dir);
  await mkdir(join(dir, "data"));
  await writeFile(join(dir, "data", "note.txt"), `${host}\n`);
  await writeFile(
    join(dir, "cairn.config.yaml"),
    `host: ${host}\nstateDir: ./.state\ndestinations:\n  shared: ${entry}\njobs:\n  db:\n    source: { type: path, path: ./data }\n    destinations: [shared]\n    retention: ${retention}\n`,
  );
  return dir;
}

const perHost = (listed: Listed) => {
  const counts: Record<string, number> = {};
  for (const b of listed.backups) counts[b.host] = (counts[b.host] ?? 0) + 1;
  return counts;
};

describe.each(SHARED_KINDS)("two hosts backing up job db to one %s destination", (kind) => {
  it("keepLast: 2 keeps two backups per host; neither host removes the other's", async () => {
    const shared = await startShared(kind);
    try {
      const alpha = await hostProject("alpha", shared.entry, "{ keepLast: 2 }");
      const beta = await hostProject("beta", shared.entry, "{ keepLast: 2 }");
      for (let round = 0; round < 3; round++) {
        for (const dir of [alpha, beta]) {
          const run = await cairn(["backup"], dir);
          expect(run.code, run.stdout + run.stderr).toBe(0);
        }
      }
      const listed = await cairnJson<Listed>(["list"], alpha);
      expect(perHost(listed)).toEqual({ alpha: 2, beta: 2 });

      // The same policy shared by the fleet (groupBy: job) weighs every host's backups together.
      const fleet = await hostProject("gamma", shared.entry, "{ keepLast: 2, groupBy: job }");
      const pruned = await cairn(["prune"], fleet);
      expect(pruned.code, pruned.stdout + pruned.stderr).toBe(0);
      expect((await cairnJson<Listed>(["list"], fleet)).backups).toHaveLength(2);
    } finally {
      await shared.stop();
    }
  });
});
