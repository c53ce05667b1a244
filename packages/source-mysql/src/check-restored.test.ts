import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "@cairn/core";
import { backUpTo, restoredFiles } from "@cairn/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMysqlSource } from "./index.js";

const SERVER = { host: "127.0.0.1", port: 3306, user: "root" };
const ctx = { signal: new AbortController().signal, logger: silentLogger };
const scratch = `cairn_drill_${randomBytes(4).toString("hex")}`;
let dir: string;

const sql = (statement: string, database = "test") =>
  execFileSync(
    "mariadb",
    [
      "-h",
      SERVER.host,
      "-P",
      String(SERVER.port),
      "-u",
      SERVER.user,
      "--connect-timeout=5",
      "-e",
      statement,
      database,
    ],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cairn-mysql-drill-"));
  await mkdir(join(dir, "restored"));
  sql(`CREATE DATABASE ${scratch}`);
  sql(
    "CREATE TABLE t (id INT PRIMARY KEY, h CHAR(32)); INSERT INTO t SELECT seq, MD5(seq) FROM seq_1_to_20000;",
    scratch,
  );
});
afterAll(async () => {
  try {
    sql(`DROP DATABASE IF EXISTS ${scratch}`);
  } catch {}
  await rm(dir, { recursive: true, force: true });
});

describe("a drill's check of a restored MariaDB/MySQL dump", () => {
  it("passes a whole dump by its completion trailer and fails one cut short", async () => {
    const source = createMysqlSource({ ...SERVER, database: scratch, name: "db.sql" }, { baseDir: dir });
    await backUpTo(source, join(dir, "restored", "db.sql"));
    const whole = await readFile(join(dir, "restored", "db.sql"), "utf8");
    expect(whole.trimEnd()).toMatch(/-- Dump completed on .*$/);
    expect(await source.checkRestored!(restoredFiles(join(dir, "restored"), "db.sql"), ctx)).toEqual([
      { path: "db.sql", check: "the dump's completion trailer", status: "ok" },
    ]);

    await writeFile(join(dir, "restored", "db.sql"), whole.slice(0, Math.floor(whole.length / 2)));
    expect(await source.checkRestored!(restoredFiles(join(dir, "restored"), "db.sql"), ctx)).toEqual([
      {
        path: "db.sql",
        check: "the dump's completion trailer",
        status: "failed",
        detail: 'the dump does not end with "-- Dump completed": it was cut short',
      },
    ]);
  });

  it("skips, saying why, a dump made without comments, which has no trailer to check", async () => {
    const source = createMysqlSource({
      ...SERVER,
      database: scratch,
      name: "db.sql",
      args: ["--skip-comments"],
    });
    await writeFile(join(dir, "restored", "db.sql"), "CREATE TABLE t (id INT);\n");
    expect(await source.checkRestored!(restoredFiles(join(dir, "restored"), "db.sql"), ctx)).toMatchObject([
      { status: "skipped", detail: "dumped with --skip-comments, which leaves the trailer out" },
    ]);
  });
});
