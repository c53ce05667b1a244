import { readFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Project } from "./__fixtures__/cli.js";

describe("cairn init, config and help", () => {
  let project: Project;
  beforeEach(async () => {
    project = await Project.create();
  });
  afterEach(() => project.cleanup());

  it("init writes a commented config that checks and runs, and never overwrites it", async () => {
    const init = await project.run(["init"]);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain(`wrote ${project.configFile}`);
    const written = await readFile(project.configFile, "utf8");
    expect(written).toMatch(/^# cairn configuration/);

    const check = await project.json<{ valid: boolean; jobs: { name: string }[] }>(["config", "check"]);
    expect(check.valid).toBe(true);
    expect(check.jobs.map((j) => j.name)).toEqual(["documents"]);

    await project.file("data/note.txt", "hello");
    const backup = await project.run(["backup"]);
    expect(backup.code, backup.stdout + backup.stderr).toBe(0);
    expect(backup.stdout).toContain(`${project.dir}/backups/documents/documents-`);

    await project.file("cairn.config.yaml", "mine: true\n");
    const again = await project.run(["init"]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("already exists");
    expect(await readFile(project.configFile, "utf8")).toBe("mine: true\n");
  });

  it("config schema prints a JSON Schema that knows the built-in plugins", async () => {
    const result = await project.run(["config", "schema"]);
    expect(result.code, result.stderr).toBe(0);
    const schema = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(schema.$schema).toContain("json-schema.org");
    expect(result.stdout).toContain('"local"');
    expect(result.stdout).toContain('"path"');
  });

  it("--help explains every command, and no arguments prints it", async () => {
    const help = await project.run(["--help"]);
    expect(help.code).toBe(0);
    for (const command of ["init", "backup", "list", "verify", "restore", "prune", "config"]) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command}\\b`, "m"));
    }
    expect(help.stdout).toContain(
      "Exit codes: 0 done, 1 failed, 2 bad usage or config, 3 some destinations failed",
    );
    expect((await project.run([])).stdout).toBe(help.stdout);

    const prune = await project.run(["prune", "--help"]);
    expect(prune.stdout).toContain("--dry-run");
    expect(prune.stdout).toContain("newest backup is never removed");
    const restore = await project.run(["restore", "job"]);
    expect(restore.code).toBe(2);
    expect(restore.stderr).toContain("required option '-t, --to <dir>' not specified");
  });
});
