import { open, readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listed, Project, simpleConfig } from "./__fixtures__/cli.js";

describe("list, verify and prune", () => {
  let project: Project;
  let ids: string[];
  const stale = "job-20200101T000000Z-abcd";
  beforeEach(async () => {
    project = await Project.create();
    await project.file("data/a.txt", "alpha ".repeat(1000));
    await project.file("data/b/c.txt", "gamma");
    await project.writeConfig(simpleConfig("./data", "timeZone: UTC"));
    ids = [];
    for (let i = 0; i < 4; i++) {
      const { results, $run } = await project.json<{ results: { id: string }[] }>(["backup"]);
      expect($run.code, $run.stderr).toBe(0);
      ids.unshift(results[0]!.id);
    }
    // An upload cut off long ago: an archive of cairn's shape without its manifest.
    await project.file(`backups/job/${stale}.zip`, "half an archive");
  });
  afterEach(() => project.cleanup());

  it("list shows complete backups newest first and marks the incomplete upload", async () => {
    const human = await project.run(["list"]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain("disk (local)");
    expect(human.stdout).toContain("job job: 4 complete, 1 incomplete");
    expect(human.stdout).toMatch(new RegExp(`${stale} .*INCOMPLETE \\(no manifest\\)`));
    const { backups, incomplete } = await listed(project);
    expect(backups.map((b) => b.id)).toEqual(ids);
    expect(incomplete.map((u) => [u.id, u.reason])).toEqual([[stale, "no manifest"]]);
  });

  it("verify passes on intact backups and fails on a corrupted archive", async () => {
    const all = await project.run(["verify", "job", "--all"]);
    expect(all.code, all.stdout + all.stderr).toBe(0);
    expect(all.stdout.match(/^ok {6}disk/gm)).toHaveLength(4);

    // Flip bytes in the middle of the newest archive, keeping its size (bit rot, not truncation).
    const { backups } = await listed(project);
    const archive = join(project.dir, "backups", backups[0]!.key);
    const handle = await open(archive, "r+");
    const middle = Math.floor(backups[0]!.size / 2);
    const byte = Buffer.alloc(8);
    await handle.read(byte, 0, 8, middle);
    await handle.write(
      byte.map((b) => b ^ 0xff),
      0,
      8,
      middle,
    );
    await handle.close();

    const broken = await project.run(["verify"]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(new RegExp(`^FAILED  disk  ${ids[0]}`, "m"));
    const { verified } = await project.json<{
      verified: { id: string; ok: boolean; error?: { code: string } }[];
    }>(["verify", ids[0]!]);
    expect(verified).toHaveLength(1);
    expect(verified[0]?.ok).toBe(false);
    expect(verified[0]?.error?.code).toMatch(/VERIFY_FAILED|ARCHIVE_INVALID/);
    // The older ones still verify.
    expect((await project.run(["verify", ids[1]!])).code).toBe(0);
  });

  it("prune --dry-run prints the plan and deletes nothing; prune carries it out", async () => {
    await project.writeConfig(simpleConfig("./data", "timeZone: UTC\nretention: { maxCount: 2 }"));
    const before = await project.ls("backups/job");

    const dry = await project.run(["prune", "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`job job at disk, host ${hostname()} (time zone UTC; policy maxCount 2)`);
    expect(dry.stdout).toMatch(new RegExp(`${ids[3]} .* remove `));
    expect(dry.stdout).toMatch(new RegExp(`${ids[0]} .* keep `));
    expect(dry.stdout).toMatch(/would remove 3 items and free .*; nothing was deleted/);
    const plan = await project.json<{
      plans: {
        keep: { id: string }[];
        remove: { id: string; reasons: string[] }[];
        incomplete: { id: string }[];
        timeZone: string;
      }[];
    }>(["prune", "--dry-run"]);
    expect(plan.plans).toHaveLength(1);
    expect(plan.plans[0]?.timeZone).toBe("UTC");
    expect(plan.plans[0]?.keep.map((b) => b.id)).toEqual(ids.slice(0, 2));
    expect(plan.plans[0]?.remove.map((b) => b.id)).toEqual(ids.slice(2));
    expect(plan.plans[0]?.remove[0]?.reasons.length).toBeGreaterThan(0);
    expect(plan.plans[0]?.incomplete.map((u) => u.id)).toEqual([stale]);
    expect(await project.ls("backups/job")).toEqual(before);

    const real = await project.run(["prune", "job", "--destination", "disk"]);
    expect(real.code, real.stderr).toBe(0);
    expect(real.stdout).toContain("removed 2 backups");
    const after = await listed(project);
    expect(after.backups.map((b) => b.id)).toEqual(ids.slice(0, 2));
    expect(after.incomplete).toEqual([]);
  });

  it("prune names a destination no job uses as a usage error", async () => {
    const result = await project.run(["prune", "--destination", "nas"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('destination "nas" is not used');
  });
});

describe("--json never carries a secret", () => {
  const secret = "s3cr3t-t0ken-value";
  let project: Project;
  beforeEach(async () => {
    project = await Project.create();
  });
  afterEach(() => project.cleanup());

  it("in results, listings, plans, checks, errors and manifests", async () => {
    const env = { CAIRN_TEST_SECRET: secret };
    await project.file(`data-${secret}/a.txt`, "a");
    await project.writeConfig(
      simpleConfig(
        "./data-${env:CAIRN_TEST_SECRET}",
        "retention: { maxCount: 3 }\nhooks: { after: 'test -n \"${env:CAIRN_TEST_SECRET}\"' }",
      ),
    );
    const outputs: string[] = [];
    for (const args of [
      ["backup"],
      ["list"],
      ["verify"],
      ["prune", "--dry-run"],
      ["config", "check"],
      ["restore", "job", "--to", "out"],
    ]) {
      const result = await project.json(args, env);
      expect(result.$run.code, `${args.join(" ")}: ${result.$run.stderr}`).toBe(0);
      outputs.push(result.$run.stdout, result.$run.stderr);
    }
    // A failure names the path, with the secret part hidden.
    await project.writeConfig(simpleConfig("./gone-${env:CAIRN_TEST_SECRET}"));
    const failed = await project.json(["backup"], env);
    expect(failed.$run.code).toBe(1);
    expect(failed.$run.stdout).toContain("gone-[redacted]");
    outputs.push(failed.$run.stdout, failed.$run.stderr);
    const human = await project.run(["backup"], env);
    outputs.push(human.stdout, human.stderr);

    for (const output of outputs) expect(output).not.toContain(secret);
    const manifests = (await project.ls("backups/job")).filter((name) => name.endsWith(".manifest.json"));
    expect(manifests).toHaveLength(1);
    for (const name of manifests) {
      expect(await readFile(join(project.dir, "backups/job", name), "utf8")).not.toContain(secret);
    }
  });
});
