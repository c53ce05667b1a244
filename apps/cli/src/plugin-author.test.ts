import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CLI, finished } from "./__fixtures__/cli.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));

/** Spawned without blocking: the S3 test's server runs in this very process. */
async function cairn(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, XDG_STATE_HOME: join(cwd, ".state"), NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const result = await finished(child);
  return { status: result.code, stdout: result.stdout, stderr: result.stderr };
}

/**
 * A plugin author's project outside the monorepo: cairn's packages and the author's own plugin
 * installed with `npm install` from their folders (offline: npm links them). The test runner and
 * zod, which the author would install from the registry, are linked from the monorepo instead.
 */
async function authorProject(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "cairn-author-"));
  await writeFile(
    join(dir, "package.json"),
    JSON.stringify({ name: "acme-project", private: true, type: "module" }),
  );
  await cp(
    fileURLToPath(new URL("./__fixtures__/author/", import.meta.url)),
    join(dir, "acme-cairn-folder"),
    {
      recursive: true,
    },
  );
  const install = spawnSync(
    "npm",
    [
      "install",
      "--offline",
      "--no-audit",
      "--no-fund",
      join(repo, "packages/core"),
      join(repo, "packages/testkit"),
      "./acme-cairn-folder",
    ],
    { cwd: dir, encoding: "utf8" },
  );
  if (install.status !== 0)
    throw new Error(`npm install failed in ${dir}:\n${install.stdout}${install.stderr}`);
  for (const name of ["vitest", "zod"]) {
    await symlink(join(repo, "node_modules", name), join(dir, "node_modules", name), "dir");
  }
  await mkdir(join(dir, "data"));
  await writeFile(join(dir, "data", "notes.txt"), "written by a plugin author\n");
  return dir;
}

describe("a third-party destination plugin", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await authorProject();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("passes the conformance suite in its own project and works from a config by package name", async () => {
    const suite = spawnSync(
      process.execPath,
      [join(repo, "node_modules/vitest/vitest.mjs"), "run", "--root", dir],
      {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1" },
      },
    );
    expect(suite.status, suite.stdout + suite.stderr).toBe(0);
    // Every case passes; the four capabilities it does not declare (freeSpace, deleteMany,
    // exclusiveCreate, compareAndSwap) are reported as skipped.
    expect(suite.stdout).toMatch(/Tests\s+2\d passed \| 4 skipped \(2\d\)/);

    await writeFile(
      join(dir, "cairn.config.yaml"),
      "destinations:\n  shelf: { type: acme-cairn-folder, folder: ./shelf }\njobs:\n  notes:\n    source: { type: path, path: ./data }\n    destinations: [shelf]\n",
    );
    const backup = await cairn(dir, ["backup"]);
    expect(backup.status, backup.stderr).toBe(0);
    const verify = await cairn(dir, ["verify", "--all"]);
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
    expect((await cairn(dir, ["plugins"])).stdout).toMatch(
      /destination acme-cairn-folder {2}\(package\)\n {2}folder: string \(required\)/,
    );
  }, 120_000);

  it("refuses a plugin option typo, a missing package and a plugin for another API version, naming each", async () => {
    const config = (destination: string) =>
      writeFile(
        join(dir, "cairn.config.yaml"),
        `destinations:\n  shelf: ${destination}\njobs:\n  notes:\n    source: { type: path, path: ./data }\n    destinations: [shelf]\n`,
      );
    await config("{ type: acme-cairn-folder, foldr: ./shelf }");
    const typo = await cairn(dir, ["config", "check"]);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toMatch(/destinations\.shelf\.foldr: unknown key/);

    await config("{ type: acme-cairn-nothing, folder: ./shelf }");
    const missing = await cairn(dir, ["backup"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/acme-cairn-nothing/);
    expect(missing.stderr).toMatch(/npm install acme-cairn-nothing/);

    // What a plugin built against a future cairn looks like to this one.
    await mkdir(join(dir, "node_modules", "acme-cairn-future"));
    await writeFile(
      join(dir, "node_modules", "acme-cairn-future", "package.json"),
      JSON.stringify({ name: "acme-cairn-future", type: "module", exports: "./index.js" }),
    );
    await writeFile(
      join(dir, "node_modules", "acme-cairn-future", "index.js"),
      `export default { [Symbol.for("cairn.plugin")]: true, kind: "destination", type: "acme-cairn-future", apiVersion: 2,
        options: { safeParse: (v) => ({ success: true, data: v }) }, capabilities: { delete: true, freeSpace: false },
        create() { throw new Error("never called"); } };`,
    );
    await config("{ type: acme-cairn-future }");
    const future = await cairn(dir, ["backup"]);
    expect(future.status).toBe(2);
    expect(future.stderr).toMatch(/built for cairn plugin API version 2, but this cairn speaks version 1/);
  }, 60_000);
});

/** s3rver in a child process (its own CLI), on a free port; resolves with its endpoint. */
async function startS3rver(dir: string): Promise<{ endpoint: string; process: ChildProcess }> {
  const server = spawn(
    process.execPath,
    [
      join(repo, "node_modules/s3rver/bin/s3rver.js"),
      "-d",
      dir,
      "-a",
      "127.0.0.1",
      "-p",
      "0",
      "--configure-bucket",
      "backups",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const endpoint = await new Promise<string>((resolve, reject) => {
    server.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolve(`http://${match[1]}`);
    });
    server.once("exit", () => reject(new Error(`s3rver did not start: ${output}`)));
  });
  return { endpoint, process: server };
}

describe("the S3 example plugin", () => {
  let dir: string;
  let s3: Awaited<ReturnType<typeof startS3rver>>;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "cairn-s3-"));
    s3 = await startS3rver(join(dir, "s3"));
  });
  afterEach(async () => {
    s3.process.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it("is loaded by package name from its example config and backs up and verifies", async () => {
    const config = join(repo, "examples/destination-s3/cairn.config.yaml");
    const env = {
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY: "S3RVER",
      S3_SECRET_KEY: "S3RVER",
      XDG_STATE_HOME: dir,
    };
    const backup = await cairn(repo, ["backup", "--config", config], env);
    expect(backup.status, backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(/example: backup example-\S+ ok: tar\.gz/);
    const verify = await cairn(repo, ["verify", "--all", "--config", config], env);
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
  }, 60_000);
});
