import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { cairn, cairnJson } from "../__fixtures__/in-process.js";

interface Fleet {
  destinations: {
    destination: string;
    jobs: {
      job: string;
      hosts: { host: string; backups: number; stale: boolean; newest: { ageMs: number } }[];
    }[];
  }[];
}

const made: string[] = [];
afterAll(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

const scratch = async (name: string) => {
  const dir = await mkdtemp(join(tmpdir(), `cairn-${name}-`));
  made.push(dir);
  return dir;
};

/** What a host that stopped backing up three days ago left at the destination: a backup's two objects. */
async function leftByGoneHost(backups: string, host: string): Promise<void> {
  const created = new Date(Date.now() - 3 * 86_400_000);
  const stamp = created
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
  const id = `db-${stamp}-old1`;
  const archive = Buffer.from("PK\u0005\u0006".padEnd(22, "\u0000"), "latin1");
  await mkdir(join(backups, "db"), { recursive: true });
  await writeFile(join(backups, "db", `${id}.zip`), archive);
  const manifest = {
    manifestVersion: 1,
    id,
    job: "db",
    createdAt: created.toISOString(),
    host,
    source: "path /srv/app",
    archive: {
      key: `db/${id}.zip`,
      format: "zip",
      size: archive.length,
      sha256: createHash("sha256").update(archive).digest("hex"),
    },
    entries: 0,
    sourceBytes: 0,
    tags: [],
    engine: { name: "cairn", version: "0.1.0" },
  };
  await writeFile(join(backups, "db", `${id}.manifest.json`), JSON.stringify(manifest));
}

it("status --all-hosts shows every host's newest backup from the destination alone, and flags the stale one", async () => {
  const backups = join(await scratch("shared"), "backups");
  for (const host of ["web1", "web2"]) {
    const dir = await scratch(host);
    await mkdir(join(dir, "data"));
    await writeFile(join(dir, "data", "a.txt"), host);
    await writeFile(
      join(dir, "cairn.config.yaml"),
      `host: ${host}\nstateDir: ./.state\ndestinations:\n  shared: { type: local, path: ${JSON.stringify(backups)} }\njobs:\n  db:\n    source: { type: path, path: ./data }\n    destinations: [shared]\n`,
    );
    expect((await cairn(["backup"], dir)).code).toBe(0);
  }
  await leftByGoneHost(backups, "web3");

  // A machine with the destination's credentials and no jobs, no state: a laptop, say.
  const viewer = await scratch("viewer");
  await writeFile(
    join(viewer, "cairn.config.yaml"),
    `destinations:\n  shared: { type: local, path: ${JSON.stringify(backups)} }\njobs: {}\n`,
  );
  const fleet = await cairnJson<Fleet>(["status", "--all-hosts", "--stale-after", "1d"], viewer);
  expect(fleet.$run.code).toBe(1);
  const db = fleet.destinations[0]!.jobs.find((j) => j.job === "db")!;
  expect(db.hosts.map((h) => [h.host, h.backups, h.stale])).toEqual([
    ["web1", 1, false],
    ["web2", 1, false],
    ["web3", 1, true],
  ]);
  expect(db.hosts[2]!.newest.ageMs).toBeGreaterThan(2.9 * 86_400_000);

  const text = await cairn(["status", "--all-hosts", "--stale-after", "1d"], viewer);
  expect(text.stdout).toMatch(/db\s+web3\s+db-\S+-old1\s.*3d\s.*STALE/);
  expect(text.stdout).toMatch(/db\s+web1\s.*\sok/);
  // Within a week nothing is stale: exit 0.
  expect((await cairn(["status", "--all-hosts", "--stale-after", "7d"], viewer)).code).toBe(0);
});
