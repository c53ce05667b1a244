import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { chmod, mkdir, mkdtemp, open, readdir, rm, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { CairnError, silentLogger } from "@cairn/core";
import { backUpTo } from "@cairn/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import sqlitePlugin, { createSqliteSource } from "./index.js";

const _ctx = { signal: new AbortController().signal, logger: silentLogger };
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cairn-sqlite-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Another process that keeps writing in WAL mode: each transaction adds row n to both tables,
 * so a torn snapshot would show up as tables that disagree or ids with gaps. Without syncing to
 * the disk: what the snapshot reads is the same, and 20,000 commits that each wait for the disk
 * took over a minute on a slow CI disk.
 */
const WRITER = `
const { DatabaseSync } = require("node:sqlite");
const db = new DatabaseSync(process.argv[1], { timeout: 10000 });
db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; CREATE TABLE a(id INTEGER PRIMARY KEY, body TEXT); CREATE TABLE b(id INTEGER PRIMARY KEY, body TEXT)");
const insA = db.prepare("INSERT INTO a VALUES (?, ?)"), insB = db.prepare("INSERT INTO b VALUES (?, ?)");
let n = 0;
const write = () => { n++; const body = ("row " + n + " ").repeat(40); db.exec("BEGIN"); insA.run(n, body); insB.run(n, body); db.exec("COMMIT"); };
for (let i = 0; i < 20000; i++) write();
process.stdout.write("ready\\n");
// Writes in bursts so that it notices when the test goes away (stdin closes) and stops with it.
const burst = () => { for (let i = 0; i < 200; i++) write(); setImmediate(burst); };
process.stdin.on("close", () => process.exit(0)).resume();
burst();
`;

async function startWriter(path: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["-e", WRITER, path], { stdio: ["pipe", "pipe", "inherit"] });
  const [chunk] = (await Promise.race([once(child.stdout!, "data"), once(child, "exit")])) as [Buffer];
  if (!String(chunk).includes("ready")) throw new Error("the writer process did not start");
  return child;
}

const count = (db: DatabaseSync, table: string) =>
  db.prepare(`SELECT count(*) AS n, coalesce(max(id), 0) AS top FROM ${table}`).get() as {
    n: number;
    top: number;
  };

describe("sqlite source", () => {
  it("snapshots a WAL database another process keeps writing: intact, and a prefix of the writes", async () => {
    const path = join(dir, "busy.db");
    const writer = await startWriter(path);
    try {
      const watch = new DatabaseSync(path, { readOnly: true, timeout: 10_000 });
      const before = count(watch, "a").n;
      await backUpTo(createSqliteSource({ path }), join(dir, "restored.db"));
      const after = count(watch, "a").n;
      watch.close();
      expect(after).toBeGreaterThan(before); // the writer really was writing throughout

      const restored = new DatabaseSync(join(dir, "restored.db"));
      expect(restored.prepare("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
      const a = count(restored, "a");
      const b = count(restored, "b");
      expect(a.n).toBeGreaterThanOrEqual(before);
      expect(a.n).toBeLessThanOrEqual(after);
      expect(a).toEqual({ n: a.top, top: a.top }); // rows 1..n, no gaps: a prefix
      expect(b).toEqual(a); // no transaction half-seen
      const last = restored.prepare("SELECT body FROM a WHERE id = ?").get(a.top) as { body: string };
      expect(last.body).toBe(`row ${a.top} `.repeat(40));
      restored.close();
    } finally {
      writer.kill("SIGKILL");
    }
    // 20,000 transactions before the snapshot starts: seconds on a loaded machine.
  }, 60_000);

  it("names the entry after the file and keeps the original's mode and mtime", async () => {
    const path = join(dir, "small.db");
    const db = new DatabaseSync(path);
    db.exec("CREATE TABLE t(x); INSERT INTO t VALUES (42);");
    db.close();
    await chmod(path, 0o640);
    const mtime = new Date("2026-01-02T03:04:05Z");
    await utimes(path, mtime, mtime);
    const entry = await backUpTo(createSqliteSource({ path }), join(dir, "small-restored.db"));
    expect(entry).toMatchObject({ path: "small.db", type: "file", mode: 0o640, mtime });
    const restored = new DatabaseSync(join(dir, "small-restored.db"));
    expect(restored.prepare("SELECT x FROM t").get()).toEqual({ x: 42 });
    restored.close();

    const renamed = await backUpTo(createSqliteSource({ path, name: "db/app.sqlite" }), join(dir, "r2.db"));
    expect(renamed.path).toBe("db/app.sqlite");
  });

  it("fails with SOURCE_NOT_FOUND naming a missing database", async () => {
    const path = join(dir, "nope.db");
    const error = await backUpTo(createSqliteSource({ path }), join(dir, "x")).catch((e: unknown) => e);
    expect(CairnError.is(error, "SOURCE_NOT_FOUND")).toBe(true);
    expect((error as Error).message).toContain(path);
  });

  it("refuses to ship a damaged database, naming it, and leaves no snapshot behind", async () => {
    const path = join(dir, "damaged.db");
    const db = new DatabaseSync(path);
    db.exec(
      "PRAGMA page_size=4096; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); CREATE INDEX tv ON t(v);",
    );
    const ins = db.prepare("INSERT INTO t(v) VALUES (?)");
    db.exec("BEGIN");
    for (let i = 0; i < 2000; i++) ins.run(`value ${i}`);
    db.exec("COMMIT");
    db.close();
    // Scribble over the middle of the last page (an index page): the file still opens.
    const handle = await open(path, "r+");
    const { size } = await handle.stat();
    await handle.write(Buffer.alloc(1500, 0x5a), 0, 1500, size - 3000);
    await handle.close();

    const spool = join(dir, "spool");
    await mkdir(spool);
    const error = await backUpTo(createSqliteSource({ path, tempDir: spool }), join(dir, "x")).catch(
      (e: unknown) => e,
    );
    expect(CairnError.is(error, "SOURCE_UNREADABLE")).toBe(true);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toContain("missing from index");
    expect(await readdir(spool)).toEqual([]);
  });

  it("is a source plugin whose options reject unknown keys", () => {
    expect(sqlitePlugin.type).toBe("sqlite");
    expect(sqlitePlugin.options.safeParse({ path: "a.db", journal: true }).success).toBe(false);
    expect(sqlitePlugin.options.safeParse({ path: "a.db", name: "../a.db" }).success).toBe(false);
  });
});
