import { spawnSync } from "node:child_process";
import { mkdir, readdir, symlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Project, simpleConfig } from "./__fixtures__/cli.js";

const ENTRYPOINT = fileURLToPath(new URL("../../../container/entrypoint.sh", import.meta.url));
const BIN = fileURLToPath(new URL("../bin/cairn.cjs", import.meta.url));

/**
 * The image's entrypoint script, run on the host with `cairn` on PATH as in the image (the image
 * itself is built and run in single-executable.test.ts).
 */
describe("the container's entrypoint", () => {
  let project: Project;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    project = await Project.create();
    await mkdir(join(project.dir, "bin"));
    await symlink(BIN, join(project.dir, "bin", "cairn"));
    await project.file("mounted/data/a.txt", "alpha\n");
    await project.file(
      "mounted/cairn.config.yaml",
      simpleConfig("./data", 'schedule: "0 3 * * *"').replace("./backups", "../backups"),
    );
    env = {
      PATH: `${join(project.dir, "bin")}:${dirname(process.execPath)}:/usr/bin:/bin`,
      CAIRN_CONFIG: join(project.dir, "mounted", "cairn.config.yaml"),
      XDG_STATE_HOME: project.stateDir,
      NO_COLOR: "1",
    };
  });
  afterEach(() => project.cleanup());

  const entrypoint = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    spawnSync("/bin/sh", [ENTRYPOINT, ...args], {
      cwd: project.dir,
      env: { ...env, ...extra },
      encoding: "utf8",
    });

  it("runs cairn with the mounted config: backup, list and status", async () => {
    const backup = entrypoint(["backup"]);
    expect(backup.status, backup.stderr).toBe(0);
    expect(await project.ls("backups/job")).toHaveLength(2);
    expect(entrypoint(["list"]).stdout).toMatch(/job job: 1 complete/);
    const status = entrypoint(["status", "--quiet"]);
    expect(status.status, status.stdout + status.stderr).toBe(0);
  });

  it("lets a --config among the arguments win over the mounted one", async () => {
    await project.writeConfig(simpleConfig("./mounted/data"));
    const backup = entrypoint(["backup", "--config", project.configFile]);
    expect(backup.status, backup.stderr).toBe(0);
    expect((await readdir(join(project.dir, "backups", "job"))).length).toBe(2);
    expect(entrypoint(["-c", project.configFile, "list"]).stdout).toMatch(/job job: 1 complete/);
  });

  it("names the missing config and exits 2 when none is mounted", () => {
    const run = entrypoint(["backup"], { CAIRN_CONFIG: "/nonexistent/cairn.config.yaml" });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("/nonexistent/cairn.config.yaml");
  });
});
