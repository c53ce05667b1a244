import { readFile, stat, utimes } from "node:fs/promises";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listed, Project, simpleConfig } from "./__fixtures__/cli.js";

// The seed scripts' use case: back up the same thing on every run and keep only the five newest.
describe("cairn backup with retention maxCount 5, run six times", () => {
  let project: Project;
  beforeEach(async () => {
    project = await Project.create();
  });
  afterEach(() => project.cleanup());

  async function backUpSixTimes(): Promise<string[]> {
    const ids: string[] = [];
    for (let run = 0; run < 6; run++) {
      const { results, $run } = await project.json<{ results: { id: string; status: string }[] }>(["backup"]);
      expect($run.code, $run.stderr).toBe(0);
      expect(results).toHaveLength(1);
      expect(results[0]?.status).toBe("ok");
      ids.push(results[0]!.id);
    }
    return ids;
  }

  it("keeps exactly the five newest complete backups of a folder", async () => {
    await project.file("data/a.txt", "alpha\n");
    await project.file("data/sub/b.bin", Buffer.alloc(10_000, 7));
    await project.writeConfig(simpleConfig("./data", "retention: { maxCount: 5 }"));

    const ids = await backUpSixTimes();

    const { backups, incomplete } = await listed(project);
    expect(backups.map((b) => b.id)).toEqual(ids.slice(1).reverse());
    expect(incomplete).toEqual([]);
    // On disk too: five archives and their five manifests, nothing of the oldest run.
    const files = await project.ls("backups/job");
    expect(files).toHaveLength(10);
    expect(files.some((f) => f.startsWith(ids[0]!))).toBe(false);
  });

  it("keeps exactly the five newest backups of a single SQLite file, and restores a working database", async () => {
    const dbFile = join(project.dir, "app.sqlite");
    const db = new DatabaseSync(dbFile);
    db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
    const insert = db.prepare("INSERT INTO notes (body) VALUES (?)");
    for (let i = 0; i < 500; i++) insert.run(`note ${i}`);
    db.close();
    await project.writeConfig(simpleConfig("./app.sqlite", "retention: { maxCount: 5 }", "tar.gz"));

    const ids = await backUpSixTimes();

    const { backups } = await listed(project);
    expect(backups.map((b) => b.id)).toEqual(ids.slice(1).reverse());

    const restore = await project.run(["restore", ids[5]!, "--to", "restored"]);
    expect(restore.code, restore.stderr).toBe(0);
    const restored = join(project.dir, "restored", "app.sqlite");
    expect(await readFile(restored)).toEqual(await readFile(dbFile));
    const copy = new DatabaseSync(restored, { readOnly: true });
    expect(copy.prepare("SELECT count(*) AS n FROM notes").get()).toEqual({ n: 500 });
    copy.close();
  });
});

describe("cairn restore", () => {
  let project: Project;
  beforeEach(async () => {
    project = await Project.create();
  });
  afterEach(() => project.cleanup());

  for (const format of ["zip", "tar.gz", "tar.zst"]) {
    it(`gives back byte-identical files with their modification times (${format})`, async () => {
      const files = {
        "data/readme.txt": Buffer.from("hello\n"),
        "data/empty.txt": Buffer.alloc(0),
        "data/deep/er/random.bin": Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251)),
        "data/ünïcode name.txt": Buffer.from("ok"),
      };
      const when = new Date("2021-03-04T05:06:07Z");
      for (const [path, content] of Object.entries(files)) {
        const full = await project.file(path, content);
        await utimes(full, when, when);
      }
      await project.writeConfig(simpleConfig("./data", "", format));
      const backup = await project.run(["backup"]);
      expect(backup.code, backup.stderr).toBe(0);
      expect(backup.stdout).toContain(`.${format}`);
      const verify = await project.run(["verify", "job"]);
      expect(verify.code, verify.stderr).toBe(0);

      // The job name restores its newest backup.
      const restore = await project.run(["restore", "job", "--to", "out"]);
      expect(restore.code, restore.stderr).toBe(0);
      expect(restore.stdout).toMatch(/restored job-\d{8}T\d{6}Z-\w{4} from disk: 7 entries/);
      for (const [path, content] of Object.entries(files)) {
        const full = join(project.dir, "out", path);
        expect(await readFile(full), path).toEqual(content);
        expect((await stat(full)).mtime.toISOString(), path).toBe(when.toISOString());
      }
    });
  }

  it("never overwrites an existing file unless --overwrite is given", async () => {
    await project.file("data/a.txt", "from the backup");
    await project.writeConfig(simpleConfig("./data"));
    expect((await project.run(["backup"])).code).toBe(0);
    const mine = await project.file("out/data/a.txt", "mine");

    const refused = await project.run(["restore", "job", "--to", "out"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("already exists");
    expect(refused.stderr).toContain("hint: ");
    expect(await readFile(mine, "utf8")).toBe("mine");

    const overwritten = await project.run(["restore", "job", "--to", "out", "--overwrite"]);
    expect(overwritten.code, overwritten.stderr).toBe(0);
    expect(await readFile(mine, "utf8")).toBe("from the backup");
  });

  it("says which backup it could not find", async () => {
    await project.file("data/a.txt", "x");
    await project.writeConfig(simpleConfig("./data"));
    const result = await project.run(["restore", "job-20200101T000000Z-zzzz", "--to", "out"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: no backup "job-20200101T000000Z-zzzz"');
    expect(result.stderr).toContain("cairn list");
  });
});
