import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CairnError, silentLogger } from "@cairn/core";
import { backUpTo } from "@cairn/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import mysqlPlugin, { createMysqlSource } from "./index.js";

const SERVER = { host: "127.0.0.1", port: 3306, user: "root" };
const _ctx = { signal: new AbortController().signal, logger: silentLogger };
const suffix = randomBytes(4).toString("hex");
const scratch = `cairn_src_${suffix}`;
const restored = `cairn_restored_${suffix}`;
const appUser = `cairn_u_${suffix}`;
// Quotes, a backslash, '#' and spaces: everything an option file could get wrong.
const appPassword = `p"a\\ss #w:rd'${suffix}`;
let dir: string;

function sql(statement: string, database = "test"): string {
  return execFileSync(
    "mariadb",
    [
      "-h",
      SERVER.host,
      "-P",
      String(SERVER.port),
      "-u",
      SERVER.user,
      "--connect-timeout=5",
      "-N",
      "-B",
      "-e",
      statement,
      database,
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
}

const rows = (database: string) =>
  sql("SELECT id, name, HEX(data), created FROM items ORDER BY id", database);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cairn-mysql-test-"));
  try {
    sql("SELECT 1");
  } catch (error) {
    throw new Error(
      `MariaDB is not reachable at ${SERVER.host}:${SERVER.port} as ${SERVER.user} with no password (database test); ` +
        `start it (service mariadb start). The client said: ${(error as { stderr?: string }).stderr ?? error}`,
    );
  }
  sql(`CREATE DATABASE ${scratch} CHARACTER SET utf8mb4`);
  sql(
    `CREATE TABLE items (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(200) NOT NULL, data BLOB, created DATETIME) ENGINE=InnoDB;
     INSERT INTO items (name, data, created)
       SELECT CONCAT('item ', seq, ' ünïcödé ☃'), UNHEX(MD5(seq)), TIMESTAMP '2026-01-01 00:00:00' + INTERVAL seq MINUTE
       FROM seq_1_to_5000;`,
    scratch,
  );
  sql(
    `CREATE USER '${appUser}'@'127.0.0.1' IDENTIFIED BY '${appPassword.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`,
  );
  sql(`GRANT SELECT, SHOW VIEW, TRIGGER, LOCK TABLES ON ${scratch}.* TO '${appUser}'@'127.0.0.1'`);
});

afterAll(async () => {
  for (const statement of [
    `DROP DATABASE IF EXISTS ${scratch}`,
    `DROP DATABASE IF EXISTS ${restored}`,
    `DROP DATABASE IF EXISTS ${restored}_streamed`,
    `DROP USER IF EXISTS '${appUser}'@'127.0.0.1'`,
  ]) {
    try {
      sql(statement);
    } catch {
      // the server is gone; beforeAll has said why
    }
  }
  await rm(dir, { recursive: true, force: true });
});

describe("mysql source", () => {
  for (const sizesUpFront of [true, false]) {
    const how = sizesUpFront ? "spooled for tar" : "streamed for zip";
    it(`dumps a database (${how}) that restores into a fresh database with the same rows`, async () => {
      const file = join(dir, "dump.sql");
      const target = sizesUpFront ? restored : `${restored}_streamed`;
      const entry = await backUpTo(
        createMysqlSource({ ...SERVER, database: scratch }, { baseDir: dir, sizesUpFront }),
        file,
      );
      expect(entry.path).toBe(`${scratch}.sql`);
      expect(entry.size).toBe(sizesUpFront ? (await readFile(file)).length : undefined);

      sql(`CREATE DATABASE ${target} CHARACTER SET utf8mb4`);
      execFileSync("mariadb", ["-h", SERVER.host, "-u", SERVER.user, target], {
        input: await readFile(file),
      });
      const original = rows(scratch);
      expect(original.trim().split("\n")).toHaveLength(5000);
      expect(rows(target)).toBe(original);
    });
  }

  it("logs in with a password handed over in an option file, and keeps it out of errors", async () => {
    const user = { host: SERVER.host, port: SERVER.port, user: appUser, database: scratch };
    const file = join(dir, "app.sql");
    await backUpTo(createMysqlSource({ ...user, password: appPassword }), file);
    expect(await readFile(file, "utf8")).toContain("item 4999 ünïcödé ☃");

    const wrong = `wrong-${appPassword}`;
    const error = await backUpTo(createMysqlSource({ ...user, password: wrong }), join(dir, "x")).catch(
      (e: unknown) => e,
    );
    expect(CairnError.is(error, "SOURCE_UNREADABLE")).toBe(true);
    const text = `${(error as CairnError).message}\n${(error as CairnError).hint}`;
    expect(text).toMatch(/mariadb-dump exited with code 2:[\s\S]*Access denied for user/);
    expect(text).not.toContain(wrong);
    expect(createMysqlSource({ ...user, password: wrong }).describe()).toBe(
      `mysql ${appUser}@127.0.0.1:3306/${scratch}`,
    );
  });

  for (const sizesUpFront of [true, false]) {
    it(`fails with the server's message for a database that does not exist (${sizesUpFront ? "spooled" : "streamed"})`, async () => {
      const error = await backUpTo(
        createMysqlSource({ ...SERVER, database: `${scratch}_missing` }, { baseDir: dir, sizesUpFront }),
        join(dir, "x"),
      ).catch((e: unknown) => e);
      expect(CairnError.is(error, "SOURCE_UNREADABLE")).toBe(true);
      expect((error as Error).message).toContain(`Unknown database '${scratch}_missing'`);
    });
  }

  it("names the packages to install when neither mariadb-dump nor mysqldump is there", async () => {
    const saved = process.env.PATH;
    process.env.PATH = join(dir, "empty-bin");
    try {
      const error = await backUpTo(createMysqlSource({ ...SERVER, database: scratch }), join(dir, "x")).catch(
        (e: unknown) => e,
      );
      expect((error as CairnError).message).toBe("mariadb-dump or mysqldump was not found on the PATH");
      expect((error as CairnError).hint).toContain("apt-get install mariadb-client");
      expect((error as CairnError).hint).toContain("brew install mariadb");
    } finally {
      process.env.PATH = saved;
    }
  });

  it("is a source plugin that wants exactly one of database and all", () => {
    expect(mysqlPlugin.type).toBe("mysql");
    expect(mysqlPlugin.secrets).toEqual(["password"]);
    expect(mysqlPlugin.options.safeParse({ host: "h" }).success).toBe(false);
    expect(mysqlPlugin.options.safeParse({ database: "d", all: true }).success).toBe(false);
    expect(mysqlPlugin.options.safeParse({ all: true }).success).toBe(true);
    expect(mysqlPlugin.options.safeParse({ database: "d", pass: "x" }).success).toBe(false);
  });
});
