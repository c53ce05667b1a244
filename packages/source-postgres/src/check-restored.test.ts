import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RestoredFiles, silentLogger } from "@cairn/core";
import { backUpTo, restoredFiles } from "@cairn/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresSource } from "./index.js";

const SERVER = { host: "127.0.0.1", port: 5432, user: "postgres" };
const ctx = { signal: new AbortController().signal, logger: silentLogger };
const scratch = `cairn_drill_${randomBytes(4).toString("hex")}`;
let dir: string;

const psql = (database: string, sql: string) =>
  execFileSync(
    "psql",
    ["-h", SERVER.host, "-U", SERVER.user, "-d", database, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
    {
      env: { ...process.env, PGCONNECT_TIMEOUT: "5" },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cairn-pg-drill-"));
  await mkdir(join(dir, "restored"));
  psql("test", `CREATE DATABASE ${scratch}`);
  // Enough rows that the data blocks come well after the table of contents.
  psql(scratch, "CREATE TABLE t AS SELECT i, md5(i::text) AS h FROM generate_series(1, 50000) AS i");
});
afterAll(async () => {
  try {
    psql("test", `DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
  } catch {}
  await rm(dir, { recursive: true, force: true });
});

describe("a drill's check of a restored PostgreSQL dump", () => {
  const source = () =>
    createPostgresSource({ ...SERVER, database: scratch, name: "db.dump" }, { baseDir: dir });

  it("passes a whole custom-format dump with pg_restore --list and a full read, and fails one cut short", async () => {
    await backUpTo(source(), join(dir, "restored", "db.dump"));
    expect(await source().checkRestored!(restoredFiles(join(dir, "restored"), "db.dump"), ctx)).toEqual([
      {
        path: "db.dump",
        check: "pg_restore --list and a full read",
        status: "ok",
        detail: expect.stringMatching(/^\d+ items in its table of contents, every data block readable$/),
      },
    ]);

    // Cut inside the data: the table of contents is whole, so --list alone would pass.
    const whole = await readFile(join(dir, "restored", "db.dump"));
    await writeFile(join(dir, "restored", "db.dump"), whole.subarray(0, Math.floor(whole.length * 0.9)));
    const [cut] = await source().checkRestored!(restoredFiles(join(dir, "restored"), "db.dump"), ctx);
    expect(cut).toMatchObject({ path: "db.dump", status: "failed" });
    expect(cut!.detail).toMatch(/pg_restore: error: could not read from input file: end of file/);
  });

  it("checks a plain SQL dump (pg_dumpall) by pg_dump's completion line", async () => {
    const plain = createPostgresSource({ ...SERVER, all: true }, { baseDir: dir });
    const sql =
      "--\n-- PostgreSQL database cluster dump\n--\nCREATE ROLE x;\n\n--\n-- PostgreSQL database cluster dump complete\n--\n\n";
    await writeFile(join(dir, "restored", "pg_dumpall.sql"), sql);
    expect(
      (await plain.checkRestored!(restoredFiles(join(dir, "restored"), "pg_dumpall.sql"), ctx))[0]!.status,
    ).toBe("ok");
    await writeFile(join(dir, "restored", "pg_dumpall.sql"), sql.slice(0, 50));
    expect(
      (await plain.checkRestored!(restoredFiles(join(dir, "restored"), "pg_dumpall.sql"), ctx))[0],
    ).toMatchObject({
      status: "failed",
      detail: expect.stringMatching(/cut short/),
    });
  });

  it("says nothing about a dump the drill did not restore (a sample that left it out)", async () => {
    const none: RestoredFiles = { dir, entries: async function* () {} };
    expect(await source().checkRestored!(none, ctx)).toEqual([]);
  });
});
