import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { DrillResult } from "@cairn/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cairn, cairnJson } from "./__fixtures__/in-process.js";

const suffix = randomBytes(4).toString("hex");
const pgDatabase = `cairn_drill_cli_${suffix}`;
const mariaDatabase = `cairn_drill_cli_${suffix}`;
let dir: string;

const psql = (database: string, sql: string) =>
  execFileSync(
    "psql",
    ["-h", "127.0.0.1", "-U", "postgres", "-d", database, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
    {
      env: { ...process.env, PGCONNECT_TIMEOUT: "5" },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
const mariadb = (statement: string, database = "test") =>
  execFileSync(
    "mariadb",
    ["-h", "127.0.0.1", "-u", "root", "--connect-timeout=5", "-e", statement, database],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );

async function useJob(source: string): Promise<void> {
  await writeFile(
    join(dir, "cairn.config.yaml"),
    `stateDir: ./state\ndestinations:\n  disk: { type: local, path: ./backups }\njobs:\n  db:\n    source: ${source}\n    destinations: [disk]\n`,
  );
}

async function backUpAndDrill(): Promise<DrillResult> {
  const backup = await cairn(["backup"], dir);
  expect(backup.code, backup.stderr).toBe(0);
  const { drills, $run } = await cairnJson<{ drills: DrillResult[] }>(["drill"], dir);
  expect($run.code, JSON.stringify(drills)).toBe(0);
  return drills[0]!;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cairn-drill-sources-"));
  psql("test", `CREATE DATABASE ${pgDatabase}`);
  psql(pgDatabase, "CREATE TABLE t AS SELECT i, md5(i::text) AS h FROM generate_series(1, 20000) AS i");
  mariadb(`CREATE DATABASE ${mariaDatabase}`);
  mariadb(
    "CREATE TABLE t (id INT PRIMARY KEY, h CHAR(32)); INSERT INTO t SELECT seq, MD5(seq) FROM seq_1_to_20000;",
    mariaDatabase,
  );
});
afterAll(async () => {
  try {
    psql("test", `DROP DATABASE IF EXISTS ${pgDatabase} WITH (FORCE)`);
    mariadb(`DROP DATABASE IF EXISTS ${mariaDatabase}`);
  } catch {}
  await rm(dir, { recursive: true, force: true });
});

describe("cairn drill runs the source's own check", () => {
  it("SQLite: a live database in WAL mode passes PRAGMA integrity_check after the restore", async () => {
    const live = new DatabaseSync(join(dir, "app.db"));
    live.exec("PRAGMA journal_mode=WAL; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);");
    const insert = live.prepare("INSERT INTO t(v) VALUES (?)");
    for (let i = 0; i < 500; i++) insert.run(`row ${i}`);
    try {
      // The writer stays connected with its pages still in the -wal file.
      await useJob("{ type: sqlite, path: ./app.db }");
      const result = await backUpAndDrill();
      expect(result.sourceChecks).toEqual([
        { path: "app.db", check: "PRAGMA integrity_check", status: "ok" },
      ]);
    } finally {
      live.close();
    }
  });

  it("SQLite: a damaged database snapshot fails the drill with SQLite's report", async () => {
    // The sqlite source refuses to back up a damaged database, so the damaged copy is archived the
    // way an older file-level backup of it would have been: by a path job of the same name.
    await mkdir(join(dir, "files"));
    const db = new DatabaseSync(join(dir, "files", "app.db"));
    db.exec(
      "PRAGMA page_size=4096; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); CREATE INDEX tv ON t(v);",
    );
    const insert = db.prepare("INSERT INTO t(v) VALUES (?)");
    for (let i = 0; i < 2000; i++) insert.run(`value ${i}`);
    db.close();
    const handle = await open(join(dir, "files", "app.db"), "r+");
    const { size } = await handle.stat();
    await handle.write(Buffer.alloc(1500, 0x5a), 0, 1500, size - 3000);
    await handle.close();
    await writeFile(
      join(dir, "cairn.config.yaml"),
      `stateDir: ./state\ndestinations:\n  disk: { type: local, path: ./backups }\njobs:\n  damaged:\n    source: { type: path, path: ./files/app.db }\n    destinations: [disk]\n`,
    );
    expect((await cairn(["backup"], dir)).code).toBe(0);
    await writeFile(
      join(dir, "cairn.config.yaml"),
      `stateDir: ./state\ndestinations:\n  disk: { type: local, path: ./backups }\njobs:\n  damaged:\n    source: { type: sqlite, path: ./files/app.db }\n    destinations: [disk]\n`,
    );
    const { drills, $run } = await cairnJson<{ drills: DrillResult[] }>(["drill"], dir);
    expect($run.code).toBe(1);
    expect(drills[0]!.problems).toEqual([]); // every byte is as backed up
    expect(drills[0]!.error!.message).toMatch(
      /^"app\.db" fails PRAGMA integrity_check: .*missing from index tv/,
    );
    const text = await cairn(["drill"], dir);
    expect(text.stdout).toMatch(/app\.db: PRAGMA integrity_check failed: .*missing from index tv/);
  });

  it("PostgreSQL: a custom-format dump passes pg_restore --list and a full read", async () => {
    await useJob(`{ type: postgres, host: 127.0.0.1, user: postgres, database: ${pgDatabase} }`);
    const result = await backUpAndDrill();
    expect(result.sourceChecks).toMatchObject([
      { path: `${pgDatabase}.dump`, check: "pg_restore --list and a full read", status: "ok" },
    ]);
  });

  it("MariaDB: a dump passes by its completion trailer", async () => {
    await useJob(`{ type: mysql, host: 127.0.0.1, user: root, database: ${mariaDatabase} }`);
    const result = await backUpAndDrill();
    expect(result.sourceChecks).toEqual([
      { path: `${mariaDatabase}.sql`, check: "the dump's completion trailer", status: "ok" },
    ]);
  });
});
