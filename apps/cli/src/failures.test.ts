import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listed, Project, simpleConfig } from "./__fixtures__/cli.js";
import { craftZip } from "./__fixtures__/craft-zip.js";

describe("failures give a clear error, a non-zero exit, and delete nothing", () => {
  let project: Project;
  beforeEach(async () => {
    project = await Project.create();
    await project.file("data/a.txt", "alpha");
    // maxCount 1: a run that wrongly went on to retention would delete the existing backup.
    await project.writeConfig(simpleConfig("./data", "retention: { maxCount: 1 }"));
    const first = await project.run(["backup"]);
    expect(first.code, first.stderr).toBe(0);
  });
  afterEach(() => project.cleanup());

  async function expectOneBackupLeft(): Promise<void> {
    const { backups } = await listed(project);
    expect(backups).toHaveLength(1);
    expect(await project.ls("backups/job")).toHaveLength(2);
  }

  it("a missing source: exit 1, the path named, the earlier backup kept", async () => {
    await project.writeConfig(simpleConfig("./gone", "retention: { maxCount: 1 }"));
    const result = await project.run(["backup"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(join(project.dir, "gone"));
    expect(result.stdout).toContain("[SOURCE_NOT_FOUND]");
    expect(result.stdout).toContain("hint: check the job's source.path");
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    await expectOneBackupLeft();
  });

  it("an unwritable destination: exit 1 with the reason; other destinations of the job still get the backup", async () => {
    await project.file("blocker", "a regular file, so nothing can be created under it");
    await project.writeConfig(`destinations:
  disk: { type: local, path: ./backups }
  broken: { type: local, path: ./blocker/backups }
jobs:
  job:
    source: { type: path, path: ./data }
    destinations: [broken]
    retention: { maxCount: 1 }
  both:
    source: { type: path, path: ./data }
    destinations: [disk, broken]
`);
    const alone = await project.run(["backup", "job"]);
    expect(alone.code).toBe(1);
    expect(alone.stdout).toContain("failed  broken");
    expect(alone.stdout).toMatch(/error: cannot write .* in .*blocker\/backups: ENOTDIR/);
    expect(alone.stdout).toContain("hint: check the destination's path");

    const partly = await project.run(["backup", "both"]);
    expect(partly.code).toBe(3);
    expect(partly.stdout).toMatch(/ok {6}disk: .*backups\/both\/both-/);
    expect(partly.stdout).toContain("failed  broken");
    await expectOneBackupLeft();
  });

  it("a broken config: exit 2, the file and the key named, nothing run", async () => {
    await writeFile(project.configFile, simpleConfig("./data", 'retention: { maxCount: "five" }'));
    const invalid = await project.run(["backup"]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain(`error: ${project.configFile} is invalid`);
    expect(invalid.stderr).toContain("jobs.job.retention.maxCount");
    expect(invalid.stderr).toContain("hint: ");
    expect(invalid.stderr).not.toMatch(/\n\s+at /);

    await writeFile(project.configFile, "jobs: [unclosed\n");
    const syntax = await project.run(["prune"]);
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toContain("is not valid YAML");

    const check = await project.run(["config", "check"]);
    expect(check.code).toBe(2);
    await writeFile(project.configFile, simpleConfig("./data", "retention: { maxCount: 1 }"));
    await expectOneBackupLeft();
  });

  it("no config at all, an unknown job, an unknown option: exit 2 with a hint", async () => {
    const missing = await project.run(["list", "--config", "nope.yaml"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nope.yaml does not exist");
    expect(missing.stderr).toContain("cairn init");

    const unknownJob = await project.run(["backup", "jbo"]);
    expect(unknownJob.code).toBe(2);
    expect(unknownJob.stderr).toContain('no job named "jbo"');
    expect(unknownJob.stderr).toContain("hint: jobs defined there: job");

    const unknownOption = await project.run(["backup", "--bogus"]);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toContain("unknown option '--bogus'");
    await expectOneBackupLeft();
  });
});

describe("restore refuses entries that would escape the target folder", () => {
  let project: Project;
  beforeEach(async () => {
    project = await Project.create();
  });
  afterEach(() => project.cleanup());

  it("stops at a crafted zip with a ../ entry and writes nothing outside", async () => {
    await project.file("data/a.txt", "x");
    await project.writeConfig(simpleConfig("./data"));
    // A planted backup: a zip whose second entry climbs out, with a manifest that matches it.
    const id = "job-20250101T000000Z-evil";
    const archive = craftZip([
      { name: "data/ok.txt", data: Buffer.from("fine") },
      { name: "data/../../escaped.txt", data: Buffer.from("owned") },
    ]);
    await project.file(`backups/job/${id}.zip`, archive);
    await project.file(
      `backups/job/${id}.manifest.json`,
      JSON.stringify({
        manifestVersion: 1,
        id,
        job: "job",
        createdAt: "2025-01-01T00:00:00.000Z",
        host: "attacker",
        source: "path /x",
        archive: {
          key: `job/${id}.zip`,
          format: "zip",
          size: archive.length,
          sha256: createHash("sha256").update(archive).digest("hex"),
        },
        entries: 2,
        sourceBytes: 9,
        tags: [],
        engine: { name: "cairn", version: "0.1.0" },
      }),
    );

    const result = await project.run(["restore", id, "--to", "target/inner"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: .*\.\.\/\.\.\/escaped\.txt/);
    expect(await project.ls("target")).toEqual(["inner"]);
    await expect(readFile(join(project.dir, "escaped.txt"))).rejects.toThrow();
  });
});
