import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, realpathSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finished } from "./__fixtures__/cli.js";
import { newcomerEnv } from "./__fixtures__/newcomer-env.js";
import { expectServiceFilesWork } from "./__fixtures__/service-files.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));

interface Packed {
  name: string;
  version: string;
  filename: string;
  files: { path: string }[];
}

interface Manifest {
  name: string;
  private?: boolean;
  license?: string;
  repository?: { url?: string; directory?: string };
  engines?: { node?: string };
  keywords?: string[];
  peerDependencies?: Record<string, string>;
  workspaces?: string[];
}

/** Packages a user installs from the registry; the example plugin and testkit are for plugin authors. */
const FOR_USERS = (name: string) => name.startsWith("@cairn/") && name !== "@cairn/testkit";

function sh(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
  const run = spawnSync(command, args, {
    ...options,
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
    timeout: 480_000,
  });
  if (run.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited ${run.status}:\n${run.stdout}\n${run.stderr}`);
  }
  return run.stdout;
}

describe("cairn packed, then installed with npm install -g", () => {
  let dir: string;
  let packed: Packed[];
  let env: NodeJS.ProcessEnv;
  let project: string;

  const cairn = (...args: string[]) =>
    spawnSync("cairn", args, { cwd: project, env, encoding: "utf8", timeout: 60_000 });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "cairn-pack-"));
    const tarballs = join(dir, "tarballs");
    await mkdir(tarballs);
    packed = JSON.parse(
      sh("npm", ["pack", "--workspaces", "--json", "--pack-destination", tarballs], {
        cwd: repo,
        env: newcomerEnv(),
      }),
    ) as Packed[];
    // An empty prefix, the tarballs, and the registry for third-party dependencies: nothing of
    // this checkout. Node itself is the one on PATH, as it would be on a user's machine.
    const prefix = join(dir, "prefix");
    env = newcomerEnv({ XDG_STATE_HOME: join(dir, "state") }, [
      join(prefix, "bin"),
      dirname(process.execPath),
    ]);
    sh(
      "npm",
      [
        "install",
        "--global",
        "--prefix",
        prefix,
        "--no-audit",
        "--no-fund",
        // Metadata npm has cached is good enough: the point is the tarballs, not the registry.
        "--prefer-offline",
        ...packed.filter((p) => FOR_USERS(p.name)).map((p) => join(tarballs, p.filename)),
      ],
      { cwd: dir, env },
    );
    project = join(dir, "project");
    await mkdir(join(project, "data", "notes"), { recursive: true });
    await writeFile(join(project, "data", "notes", "todo.txt"), "back up the NAS\n");
    await writeFile(join(project, "data", "photo.bin"), Buffer.alloc(70_000, 7));
  }, 600_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("packs every workspace package, each with license, repository, README and engines", () => {
    const root = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as Manifest;
    const workspaces = root.workspaces!.flatMap((pattern) =>
      pattern.endsWith("/*")
        ? readdirSync(join(repo, pattern.slice(0, -2))).map((name) => `${pattern.slice(0, -1)}${name}`)
        : [pattern],
    );
    expect(packed.map((p) => p.name).sort()).toEqual(
      workspaces
        .map((w) => (JSON.parse(readFileSync(join(repo, w, "package.json"), "utf8")) as Manifest).name)
        .sort(),
    );
    for (const dir of workspaces) {
      const manifest = JSON.parse(readFileSync(join(repo, dir, "package.json"), "utf8")) as Manifest;
      const files = packed.find((p) => p.name === manifest.name)!.files.map((f) => f.path);
      expect({ name: manifest.name, readme: files.includes("README.md") }).toEqual({
        name: manifest.name,
        readme: true,
      });
      expect(manifest.license).toBe("MIT");
      expect(manifest.repository).toEqual({
        type: "git",
        url: expect.stringMatching(/^git\+https:/),
        directory: dir,
      });
      expect(manifest.engines?.node).toBe(">=22.16.0");
      if (/\/(destination|source)-|cairn-(destination|source)-/.test(manifest.name)) {
        expect(manifest.keywords).toContain("cairn-plugin");
        expect(manifest.peerDependencies?.["@cairn/core"]).toBeDefined();
      }
    }
  });

  it("puts a `cairn` on PATH that prints its version", () => {
    expect(spawnSync("sh", ["-c", "command -v cairn"], { env, encoding: "utf8" }).stdout.trim()).toBe(
      join(dir, "prefix", "bin", "cairn"),
    );
    const version = cairn("--version");
    expect(version.stdout.trim()).toBe(packed.find((p) => p.name === "@cairn/cli")!.version);
  });

  it("writes a config with `cairn init`, backs up with it and restores the backup", async () => {
    const init = cairn("init");
    expect(init.status, init.stderr).toBe(0);
    const config = await readFile(join(project, "cairn.config.yaml"), "utf8");
    expect(config).toMatch(/path: \.\/data/);

    const backup = cairn("backup");
    expect(backup.status, backup.stderr).toBe(0);
    const listed = JSON.parse(cairn("list", "--json").stdout) as { backups: { id: string }[] };
    expect(listed.backups).toHaveLength(1);

    const restore = cairn("restore", listed.backups[0]!.id, "--to", "restored");
    expect(restore.status, restore.stderr).toBe(0);
    expect(await readFile(join(project, "restored", "data", "notes", "todo.txt"), "utf8")).toBe(
      "back up the NAS\n",
    );
    expect(await readFile(join(project, "restored", "data", "photo.bin"))).toEqual(Buffer.alloc(70_000, 7));
    expect((await readdir(join(project, "restored", "data"))).sort()).toEqual(["notes", "photo.bin"]);
  });

  it("prints service files that start this Node and this cairn, and that run as printed", async () => {
    const config = join(project, "cairn.config.yaml");
    await writeFile(config, (await readFile(config, "utf8")).replace("# schedule:", "schedule:"));
    const installed = realpathSync(
      join(dir, "prefix", "lib", "node_modules", "@cairn", "cli", "bin", "cairn.cjs"),
    );
    await expectServiceFilesWork(
      (args) => finished(spawn("cairn", args, { cwd: project, env, stdio: ["ignore", "pipe", "pipe"] })),
      {
        job: "documents",
        program: [process.execPath, installed],
        backupsDir: join(project, "backups", "documents"),
      },
    );
  });
});
