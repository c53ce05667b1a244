import { spawn, spawnSync } from "node:child_process";
import { chown, copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { type SshdServer, startSshd } from "@cairn/testkit/sshd";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliRun, finished } from "./__fixtures__/cli.js";
import { buildImage, ensureBaseImage, removeImage, runContainer } from "./__fixtures__/podman.js";
import { expectServiceFilesWork } from "./__fixtures__/service-files.js";
import { type SharedDestination, type SharedKind, startShared } from "./__fixtures__/shared-destinations.js";

const cliDir = fileURLToPath(new URL("../", import.meta.url));
const KINDS: SharedKind[] = ["local", "sftp", "gcs", "dropbox"];

let size: number;

// The one build of the suite (bundling and injecting takes most of a minute): the executable
// test and the image test below both use it.
beforeAll(() => {
  const built = spawnSync(process.execPath, [join(cliDir, "scripts/package.mjs")], {
    cwd: cliDir,
    encoding: "utf8",
  });
  if (built.status !== 0) throw new Error(`npm run package failed:\n${built.stdout}${built.stderr}`);
  size = Number(/\((\d+) MiB\)/.exec(built.stdout)?.[1]);
}, 300_000);

/**
 * `npm run package`'s executable, copied alone into an empty folder and run with a PATH that holds
 * nothing else: no node_modules, no Node, no package.json anywhere near it.
 */
describe("the single executable", () => {
  let dir: string;
  let exe: string;
  const destinations = new Map<SharedKind, SharedDestination>();

  const run = (args: string[]): Promise<CliRun> =>
    finished(
      spawn(exe, args, {
        cwd: join(dir, "work"),
        env: {
          PATH: join(dir, "bin"),
          HOME: join(dir, "work"),
          XDG_STATE_HOME: join(dir, "state"),
          NO_COLOR: "1",
        },
        stdio: ["ignore", "pipe", "pipe"],
      }),
    );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "cairn-sea-"));
    await mkdir(join(dir, "bin"));
    exe = join(dir, "bin", "cairn");
    await copyFile(join(cliDir, "dist-sea/cairn"), exe, 0);
    spawnSync("chmod", ["+x", exe]);

    const work = join(dir, "work");
    await mkdir(join(work, "docs", "letters"), { recursive: true });
    await writeFile(join(work, "docs", "letters", "bank.txt"), "dear bank\n");
    await writeFile(join(work, "docs", "scan.bin"), Buffer.alloc(300_000, 3));
    const db = new DatabaseSync(join(work, "shop.db"));
    db.exec("PRAGMA journal_mode = WAL; CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT)");
    db.exec("INSERT INTO orders (item) VALUES ('tea'), ('cups')");
    db.close();

    for (const kind of KINDS) destinations.set(kind, await startShared(kind));
    const names = KINDS.map((kind) => `to_${kind}`);
    await writeFile(
      join(work, "cairn.config.yaml"),
      `destinations:\n${KINDS.map((kind) => `  to_${kind}: ${destinations.get(kind)!.entry}`).join("\n")}
jobs:
  shop:
    source: { type: sqlite, path: ./shop.db }
    destinations: [${names.join(", ")}]
  docs:
    source: { type: path, path: ./docs }
    archive: { format: tar.gz }
    destinations: [${names.join(", ")}]
    schedule: "0 3 * * *"
  ticker:
    source: { type: path, path: ./docs/letters }
    destinations: [to_local]
    schedule: "* * * * * *"
`,
    );
  }, 300_000);

  afterAll(async () => {
    for (const destination of destinations.values()) await destination.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("runs with nothing beside it, and no Node on PATH", async () => {
    expect(await readdir(join(dir, "bin"))).toEqual(["cairn"]);
    expect(
      spawnSync("/bin/sh", ["-c", "command -v node"], { env: { PATH: join(dir, "bin") } }).status,
    ).not.toBe(0);
    const version = await run(["--version"]);
    expect(version.stderr).toBe("");
    const { version: packaged } = JSON.parse(await readFile(join(cliDir, "package.json"), "utf8")) as {
      version: string;
    };
    expect(version.stdout.trim()).toBe(packaged);
    if (process.platform === "linux" && process.arch === "x64") {
      // The size the README and docs/install.md give, to the MiB or two.
      const readme = await readFile(new URL("../../../README.md", import.meta.url), "utf8");
      const stated = Number(/\((\d+) MiB on Linux x64\)/.exec(readme)?.[1]);
      expect(Math.abs(size - stated), `built ${size} MiB, the README says ${stated}`).toBeLessThanOrEqual(2);
    }
  });

  it("backs up an SQLite database and a folder to local, SFTP, GCS and Dropbox, and restores both", async () => {
    const backup = await run(["backup"]);
    expect(backup.code, backup.stdout + backup.stderr).toBe(0);
    const { backups } = JSON.parse((await run(["list", "--json"])).stdout) as {
      backups: { id: string; job: string; destination: string }[];
    };
    expect(backups.map((b) => `${b.job} ${b.destination}`).sort()).toEqual(
      [
        ...["docs", "shop"].flatMap((job) => KINDS.map((kind) => `${job} to_${kind}`)),
        "ticker to_local",
      ].sort(),
    );

    const shop = backups.find((b) => b.job === "shop")!.id;
    const fromSftp = await run(["restore", shop, "--to", "restored-shop", "--destination", "to_sftp"]);
    expect(fromSftp.code, fromSftp.stderr).toBe(0);
    const db = new DatabaseSync(join(dir, "work", "restored-shop", "shop.db"), { readOnly: true });
    expect(db.prepare("SELECT item FROM orders ORDER BY id").all()).toEqual([
      { item: "tea" },
      { item: "cups" },
    ]);
    db.close();

    const docs = backups.find((b) => b.job === "docs")!.id;
    for (const kind of ["local", "gcs", "dropbox"] as const) {
      const restored = `restored-docs-${kind}`;
      const result = await run(["restore", docs, "--to", restored, "--destination", `to_${kind}`]);
      expect(result.code, result.stderr).toBe(0);
      expect(await readFile(join(dir, "work", restored, "docs", "letters", "bank.txt"), "utf8")).toBe(
        "dear bank\n",
      );
      expect(await readFile(join(dir, "work", restored, "docs", "scan.bin"))).toEqual(
        Buffer.alloc(300_000, 3),
      );
    }
  });

  it("prints service files that start the executable itself, and that run as printed", async () => {
    const local = JSON.parse(destinations.get("local")!.entry) as { path: string };
    await expectServiceFilesWork(run, { job: "docs", program: [exe], backupsDir: join(local.path, "docs") });
  });

  it("serves Prometheus metrics from `cairn run --metrics`", async () => {
    const child = spawn(exe, ["run", "--metrics", "127.0.0.1:0"], {
      cwd: join(dir, "work"),
      env: { PATH: join(dir, "bin"), XDG_STATE_HOME: join(dir, "state"), NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const done = finished(child);
    let log = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      log += chunk.toString();
    });
    for (let waited = 0; waited < 30_000 && !/backup ticker-\S+ ok/.test(log); waited += 100)
      await sleep(100);
    const address = /metrics at (http:\/\/\S+)/.exec(log)?.[1];
    expect(address, log).toBeDefined();
    const text = await (await fetch(address!)).text();
    child.kill("SIGTERM");
    await done;
    expect(text).toMatch(/cairn_last_success_timestamp_seconds\{job="ticker",destination="to_local"\} \d+/);
  }, 60_000);
});

/** The Dockerfile's image, built with Podman around that executable (see docs/container.md). */
describe("the container image", () => {
  const tag = `localhost/cairn-test:${process.pid}`;
  let dir: string;
  let sshd: SshdServer;
  let volumes: string[];

  beforeAll(async () => {
    await ensureBaseImage();
    buildImage(fileURLToPath(new URL("../../../", import.meta.url)), tag);
    dir = await mkdtemp(join(tmpdir(), "cairn-image-"));
    sshd = await startSshd();
    for (const folder of ["data/photos", "secrets", "backups", "restored", "state"]) {
      await mkdir(join(dir, folder), { recursive: true });
    }
    await writeFile(join(dir, "data", "photos", "lake.jpg"), Buffer.alloc(120_000, 9));
    await writeFile(join(dir, "data", "list.txt"), "bread\n");
    await writeFile(join(dir, "secrets", "nas_key"), sshd.clientKey.privateKey, { mode: 0o644 });
    // The image's user: what it writes to must be its own, as docs/container.md tells users.
    for (const folder of ["backups", "restored", "state"]) await chown(join(dir, folder), 10001, 10001);
    await writeFile(
      join(dir, "cairn.config.yaml"),
      `destinations:
  disk: { type: local, path: /backups }
  nas:
    type: sftp
    host: ${sshd.host}
    port: ${sshd.port}
    username: ${sshd.username}
    privateKey: "\${file:/run/secrets/nas_key}"
    hostKey: "${sshd.hostKeyFingerprint}"
    path: ${sshd.dataDir}/backups
jobs:
  volume:
    source: { type: path, path: /data }
    destinations: [disk, nas]
    schedule: "0 3 * * *"
`,
    );
    volumes = [
      `${join(dir, "cairn.config.yaml")}:/config/cairn.config.yaml:ro`,
      `${join(dir, "data")}:/data:ro`,
      `${join(dir, "secrets")}:/run/secrets:ro`,
      `${join(dir, "backups")}:/backups`,
      `${join(dir, "restored")}:/restored`,
      `${join(dir, "state")}:/var/lib/cairn`,
    ];
  }, 900_000);

  afterAll(async () => {
    removeImage(tag);
    await sshd?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("runs cairn as an unprivileged user, with the PostgreSQL and MariaDB dump clients", async () => {
    const version = await runContainer(tag, { args: ["--version"] });
    expect(version.stdout.trim(), version.stderr).toMatch(/^\d+\.\d+\.\d+$/);
    const inside = await runContainer(tag, {
      entrypoint: "sh",
      args: ["-c", "id -u; pg_dump --version; mariadb-dump --version"],
    });
    expect(inside.stdout).toMatch(/^10001\npg_dump \(PostgreSQL\) \d+.*\nmariadb-dump .*MariaDB/);
  });

  it("backs up a mounted volume to a folder and to SFTP with a key from a secret file, restores it, and reports healthy", async () => {
    const backup = await runContainer(tag, { volumes, args: ["backup"] });
    expect(backup.code, backup.stdout + backup.stderr).toBe(0);
    expect(backup.stdout + backup.stderr).not.toContain("PRIVATE KEY");
    expect((await readdir(join(dir, "backups", "volume"))).length).toBe(2);

    const restore = await runContainer(tag, {
      volumes,
      args: ["restore", "volume", "--to", "/restored", "--destination", "nas"],
    });
    expect(restore.code, restore.stderr).toBe(0);
    expect(await readFile(join(dir, "restored", "data", "list.txt"), "utf8")).toBe("bread\n");
    expect(await readFile(join(dir, "restored", "data", "photos", "lake.jpg"))).toEqual(
      Buffer.alloc(120_000, 9),
    );

    const status = await runContainer(tag, { volumes, args: ["status", "--quiet"] });
    expect(status.code, status.stdout + status.stderr).toBe(0);
  });
});
