import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Project, simpleConfig } from "./__fixtures__/cli.js";

/** The entry users run (npm links it as `cairn`), not dist/main.js: the check lives there. */
const BIN = fileURLToPath(new URL("../bin/cairn.cjs", import.meta.url));
const OLD_NODE = process.env.CAIRN_TEST_OLD_NODE ?? "/usr/bin/node";

function oldNodeVersion(): string {
  const run = spawnSync(OLD_NODE, ["--version"], { encoding: "utf8" });
  if (run.status !== 0)
    throw new Error(`this test runs cairn on the machine's old Node, ${OLD_NODE}: not found`);
  const version = run.stdout.trim().replace(/^v/, "");
  const [major = 0, minor = 0] = version.split(".").map(Number);
  if (major > 22 || (major === 22 && minor >= 16)) {
    throw new Error(
      `${OLD_NODE} is Node ${version}, which cairn supports: set CAIRN_TEST_OLD_NODE to an older one`,
    );
  }
  return version;
}

describe("on a Node older than cairn supports", () => {
  it.each([[["--version"]], [["backup"]]])(
    "`cairn %j` prints one line naming both versions and exits 2",
    async (args) => {
      const version = oldNodeVersion();
      const project = await Project.create();
      try {
        await project.file("data/a.txt", "a\n");
        await project.writeConfig(simpleConfig("./data"));
        const run = spawnSync(OLD_NODE, [BIN, ...args], { cwd: project.dir, encoding: "utf8" });
        expect(run.status).toBe(2);
        expect(run.stdout).toBe("");
        expect(run.stderr.trimEnd().split("\n")).toEqual([
          expect.stringMatching(
            new RegExp(
              `^cairn needs Node\\.js 22\\.16 or newer, but .*node is Node\\.js ${version.replace(/\./g, "\\.")}: install`,
            ),
          ),
        ]);
        expect(await project.ls("backups")).toEqual([]);
      } finally {
        await project.cleanup();
      }
    },
  );

  it("runs normally on the Node the repository brings", () => {
    const run = spawnSync(process.execPath, [BIN, "--version"], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
