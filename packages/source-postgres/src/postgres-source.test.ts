import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CairnError, silentLogger } from "@cairn/core";
import { backUpTo } from "@cairn/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import postgresPlugin, { createPostgresSource } from "./index.js";

const SERVER = { host: "127.0.0.1", port: 5432, user: "postgres" };
const _ctx = { signal: new AbortController().signal, logger: silentLogger };
const suffix = randomBytes(4).toString("hex");
const scratch = `cairn_src_${suffix}`;
const restored = `cairn_restored_${suffix}`;
let dir: string;

function psql(database: string, sql: string): string {
  return execFileSync(
    "psql",
    [
      "-h",
      SERVER.host,
      "-p",
      String(SERVER.port),
      "-U",
      SERVER.user,
      "-d",
      database,
      "-X",
      "-At",
      "-v",
      "ON_ERROR_STOP=1",
      "-c",
      sql,
    ],
    { encoding: "utf8", env: { ...process.env, PGCONNECT_TIMEOUT: "5" }, stdio: ["ignore", "pipe", "pipe"] },
  );
}

const rows = (database: string) =>
  psql(database, "SELECT id, name, encode(data, 'hex'), created FROM items ORDER BY id");

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cairn-pg-test-"));
  try {
    psql("test", "SELECT 1");
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${SERVER.host}:${SERVER.port} as user ${SERVER.user} (database test); ` +
        `start it (service postgresql start) and allow trust login from 127.0.0.1. psql said: ${(error as { stderr?: string }).stderr ?? error}`,
    );
  }
  psql("test", `CREATE DATABASE ${scratch}`);
  psql(
    scratch,
    `CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL, data bytea, created timestamptz);
     INSERT INTO items (name, data, created)
       SELECT 'item ' || i || ' ünïcödé ☃', decode(md5(i::text), 'hex'), timestamptz '2026-01-01 00:00:00Z' + i * interval '1 minute'
       FROM generate_series(1, 5000) AS i;`,
  );
});

afterAll(async () => {
  for (const db of [scratch, restored, `${restored}_streamed`]) {
    try {
      psql("test", `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    } catch {
      // the server is gone; beforeAll has said why
    }
  }
  await rm(dir, { recursive: true, force: true });
});

describe("postgres source", () => {
  for (const sizesUpFront of [true, false]) {
    const how = sizesUpFront ? "spooled for tar" : "streamed for zip";
    it(`dumps a database (${how}) that pg_restore brings back into a fresh database with the same rows`, async () => {
      const file = join(dir, "dump");
      const target = sizesUpFront ? restored : `${restored}_streamed`;
      const entry = await backUpTo(
        createPostgresSource({ ...SERVER, database: scratch }, { baseDir: dir, sizesUpFront }),
        file,
      );
      expect(entry.path).toBe(`${scratch}.dump`);
      if (sizesUpFront) expect(entry.size).toBe((await readFile(file)).length);
      else expect(entry.size).toBeUndefined();
      expect((await readFile(file)).subarray(0, 5).toString()).toBe("PGDMP"); // custom format

      psql("test", `CREATE DATABASE ${target}`);
      execFileSync("pg_restore", [
        "-h",
        SERVER.host,
        "-U",
        SERVER.user,
        "-d",
        target,
        "--exit-on-error",
        file,
      ]);
      const original = rows(scratch);
      expect(original.split("\n").length).toBeGreaterThan(5000);
      expect(rows(target)).toBe(original);
    });
  }

  it("connects from a URL and keeps its password out of describe() and errors", async () => {
    const url = `postgresql://postgres:Hunter2-${suffix}@127.0.0.1:5432/cairn_missing_${suffix}`;
    const source = createPostgresSource({ url, name: "db.dump" });
    expect(source.describe()).toBe(`postgres postgresql://postgres@127.0.0.1:5432/cairn_missing_${suffix}`);
    const error = await backUpTo(source, join(dir, "x")).catch((e: unknown) => e);
    expect(CairnError.is(error, "SOURCE_UNREADABLE")).toBe(true);
    const text = `${(error as CairnError).message}\n${(error as CairnError).hint}`;
    expect(text).toContain("pg_dump exited with code 1");
    expect(text).toContain(`"cairn_missing_${suffix}" does not exist`); // the stderr tail
    expect(text).not.toContain("Hunter2");
  });

  it("hands the password over in a private password file, never on the command line", async () => {
    // A stand-in pg_dump that reports what it was given.
    const fake = join(dir, "fake-pg_dump");
    await writeFile(
      fake,
      '#!/bin/sh\necho "ARGS: $*"\necho "PGPASSWORD: ${PGPASSWORD:-unset}"\nprintf "FILE: "; cat "$PGPASSFILE"\nstat -c "MODE: %a" "$PGPASSFILE"\n',
    );
    await chmod(fake, 0o755);
    const saved = process.env.PGPASSWORD;
    process.env.PGPASSWORD = "from-environment";
    try {
      const out = join(dir, "fake-out");
      await backUpTo(
        createPostgresSource({ url: "postgresql://app:pa%3Ass%5Cword@db.example:6543/app", binary: fake }),
        out,
      );
      const report = await readFile(out, "utf8");
      expect(report).toContain(
        "ARGS: --no-password --format=custom --dbname=postgresql://app@db.example:6543/app",
      );
      expect(report.split("\n")[0]).not.toMatch(/pa(%3A|:)ss/);
      expect(report).toContain("PGPASSWORD: unset");
      expect(report).toContain("FILE: *:*:*:*:pa\\:ss\\\\word");
      expect(report).toContain("MODE: 600");
    } finally {
      if (saved === undefined) delete process.env.PGPASSWORD;
      else process.env.PGPASSWORD = saved;
    }
  });

  it("dumps the whole cluster with pg_dumpall as plain SQL", async () => {
    const file = join(dir, "all.sql");
    const entry = await backUpTo(
      createPostgresSource({ ...SERVER, all: true, args: ["--no-role-passwords"] }),
      file,
    );
    expect(entry.path).toBe("pg_dumpall.sql");
    const sql = await readFile(file, "utf8");
    expect(sql).toContain(`CREATE DATABASE ${scratch}`);
    expect(sql).toContain("item 4999 ünïcödé ☃");
  });

  it("names the package to install when pg_dump is missing", async () => {
    const saved = process.env.PATH;
    process.env.PATH = join(dir, "empty-bin");
    try {
      const error = await backUpTo(
        createPostgresSource({ ...SERVER, database: scratch }),
        join(dir, "x"),
      ).catch((e: unknown) => e);
      expect(CairnError.is(error, "SOURCE_UNREADABLE")).toBe(true);
      expect((error as CairnError).message).toBe("pg_dump was not found on the PATH");
      expect((error as CairnError).hint).toContain("postgresql-client");
      expect((error as CairnError).hint).toContain("brew install libpq");
    } finally {
      process.env.PATH = saved;
    }
  });

  it("is a source plugin that marks url and password as secrets and refuses mixed connection options", () => {
    expect(postgresPlugin.type).toBe("postgres");
    expect(postgresPlugin.secrets).toEqual(["password", "url"]);
    expect(postgresPlugin.options.safeParse({ url: "postgresql://h/db", host: "x" }).success).toBe(false);
    expect(postgresPlugin.options.safeParse({ url: "mysql://h/db" }).success).toBe(false);
    expect(postgresPlugin.options.safeParse({ database: "d", passwd: "x" }).success).toBe(false);
    expect(postgresPlugin.options.safeParse({ host: "h", port: 5432, database: "d" }).success).toBe(true);
  });
});
