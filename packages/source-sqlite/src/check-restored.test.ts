import { copyFile, mkdir, mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { silentLogger } from "@cairn/core";
import { restoredFiles } from "@cairn/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqliteSource } from "./index.js";

const ctx = { signal: new AbortController().signal, logger: silentLogger };
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cairn-sqlite-drill-"));
  await mkdir(join(dir, "restored", "db"), { recursive: true });
  const db = new DatabaseSync(join(dir, "app.db"));
  db.exec("PRAGMA page_size=4096; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); CREATE INDEX tv ON t(v);");
  const insert = db.prepare("INSERT INTO t(v) VALUES (?)");
  db.exec("BEGIN");
  for (let i = 0; i < 2000; i++) insert.run(`value ${i}`);
  db.exec("COMMIT");
  db.close();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("a drill's check of a restored SQLite database", () => {
  const source = createSqliteSource({ path: "app.db", name: "db/app.db" }, { baseDir: "/nonexistent" });

  it("passes an intact database, and fails a damaged one with SQLite's own report", async () => {
    const restored = join(dir, "restored", "db", "app.db");
    await copyFile(join(dir, "app.db"), restored);
    expect(await source.checkRestored!(restoredFiles(join(dir, "restored"), "db/app.db"), ctx)).toEqual([
      { path: "db/app.db", check: "PRAGMA integrity_check", status: "ok" },
    ]);
    // Scribble over the middle of the last page (an index page): the file still opens.
    const handle = await open(restored, "r+");
    const { size } = await handle.stat();
    await handle.write(Buffer.alloc(1500, 0x5a), 0, 1500, size - 3000);
    await handle.close();
    const [damaged] = await source.checkRestored!(restoredFiles(join(dir, "restored"), "db/app.db"), ctx);
    expect(damaged).toMatchObject({ path: "db/app.db", status: "failed" });
    expect(damaged!.detail).toMatch(/missing from index tv/);
  });

  it("fails a file that is not a database at all, and leaves out one the drill did not restore", async () => {
    await writeFile(join(dir, "restored", "db", "app.db"), "this is no database ".repeat(300));
    const [check] = await source.checkRestored!(restoredFiles(join(dir, "restored"), "db/app.db"), ctx);
    expect(check).toMatchObject({ status: "failed", detail: expect.stringMatching(/not a database/) });
    expect(await source.checkRestored!({ dir, entries: async function* () {} }, ctx)).toEqual([]);
  });
});
