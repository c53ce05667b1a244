import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newcomerEnv } from "./__fixtures__/newcomer-env.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));

/** The shell commands of the README's Quick start, in order: every line of its `sh` blocks. */
function quickStartCommands(readme: string): string[] {
  const section = /^## Quick start\n([\s\S]*?)^## /m.exec(readme)?.[1];
  if (!section) throw new Error("README.md has no `## Quick start` section");
  return [...section.matchAll(/^```sh\n([\s\S]*?)^```/gm)].flatMap(([, block]) =>
    block!
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith("#")),
  );
}

describe("the README's Quick start, followed on a fresh clone", () => {
  let dir: string;
  let clone: string;
  let commands: string[];
  const ran: { command: string; stdout: string; stderr: string }[] = [];

  beforeAll(async () => {
    commands = quickStartCommands(await readFile(join(repo, "README.md"), "utf8"));
    dir = await mkdtemp(join(tmpdir(), "cairn-readme-"));
    clone = join(dir, "cairn");
    // A clone has what is committed, not this checkout's builds, node_modules or backups.
    const cloned = spawnSync("git", ["clone", "--quiet", repo, clone], { encoding: "utf8" });
    if (cloned.status !== 0) throw new Error(`git clone failed: ${cloned.stderr}`);

    for (const command of commands) {
      // The suite itself: it is what is running this test.
      if (command === "npm test") continue;
      if (/<\w+>/.test(command))
        throw new Error(`README command with a placeholder a reader cannot paste: ${command}`);
      const run = spawnSync("sh", ["-c", command], {
        cwd: clone,
        env: newcomerEnv({ XDG_STATE_HOME: join(dir, "state") }),
        encoding: "utf8",
        timeout: 240_000,
      });
      if (run.status !== 0) {
        throw new Error(`README command \`${command}\` exited ${run.status}:\n${run.stdout}\n${run.stderr}`);
      }
      ran.push({ command, stdout: run.stdout, stderr: run.stderr });
    }
  }, 600_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const output = (prefix: string) => {
    const found = ran.find((r) => r.command.startsWith(prefix));
    if (!found) throw new Error(`the README's Quick start no longer runs \`${prefix}...\``);
    return found.stdout;
  };

  it("builds and backs up the example folder, saying where the backup went", async () => {
    const backups = await readdir(join(clone, "examples/backups/example"));
    expect(backups.filter((name) => name.endsWith(".manifest.json"))).toHaveLength(1);
    const archive = backups.find((name) => name.endsWith(".zip"))!;
    expect(output("npm ci && npm run demo")).toContain(join(clone, "examples/backups/example", archive));
  });

  it("lists that backup with `npx cairn list`", () => {
    expect(output("npx cairn list")).toMatch(/job example: 1 complete\n.*\n\s+example-\d{8}T\d{6}Z-\w{4}\s/);
  });

  it("restores it with `npx cairn restore`, byte for byte", async () => {
    output("npx cairn restore");
    // The path source names entries after the folder it backs up.
    const restored = join(clone, "restored", "data");
    const names = (await readdir(join(clone, "examples/data"), { recursive: true })).sort();
    expect((await readdir(restored, { recursive: true })).sort()).toEqual(names);
    for (const name of names) {
      const original = join(clone, "examples/data", name);
      if ((await readdir(original).catch(() => undefined)) !== undefined) continue;
      expect(await readFile(join(restored, name))).toEqual(await readFile(original));
    }
  });

  it("starts a config of one's own with `npx cairn init`, which `config check` accepts", async () => {
    expect(existsSync(join(clone, "cairn.config.yaml"))).toBe(true);
    expect(output("npx cairn init")).toContain(`wrote ${join(clone, "cairn.config.yaml")}`);
    expect(output("npx cairn config check")).toContain("is valid");
  });

  it("runs every command of the Quick start but the suite itself", () => {
    expect(ran.map((r) => r.command)).toEqual(commands.filter((c) => c !== "npm test"));
    expect(commands).toContain("npm test");
  });
});
