import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cairn } from "../__fixtures__/in-process.js";
import { startTestPushgateway, type TestPushgateway } from "./__fixtures__/pushgateway.js";

let dir: string;
let gateway: TestPushgateway;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "cairn-batch-metrics-"));
  await mkdir(join(dir, "data"));
  await writeFile(join(dir, "data", "a.txt"), "hello\n");
  await writeFile(
    join(dir, "cairn.config.yaml"),
    `host: pod-stable\nstateDir: ./.state\ndestinations:\n  disk: { type: local, path: ./backups }\njobs:\n  db:\n    source: { type: path, path: ./data }\n    destinations: [disk]\n  logs:\n    source: { type: path, path: ./data }\n    destinations: [disk]\n`,
  );
  gateway = await startTestPushgateway();
});
afterEach(async () => {
  await gateway.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("metrics of a one-shot backup", () => {
  it("--metrics-file writes the textfile collector's format, replacing the file whole", async () => {
    await mkdir(join(dir, "textfile"));
    const first = await cairn(["backup", "--metrics-file", "textfile/cairn.prom"], dir);
    expect(first.code, first.stderr).toBe(0);
    const text = await readFile(join(dir, "textfile", "cairn.prom"), "utf8");
    expect(text).toMatch(/# TYPE cairn_last_success_timestamp_seconds gauge/);
    expect(text).toMatch(/cairn_last_success_timestamp_seconds\{job="db",destination="disk"\} \d+/);
    expect(text).toMatch(/cairn_last_backup_bytes\{job="logs"\} \d+/);
    const second = await cairn(["backup", "db", "--metrics-file", "textfile/cairn.prom"], dir);
    expect(second.code).toBe(0);
    // Only db ran: the file holds this run's metrics, and no temporary file is left beside it.
    expect(await readFile(join(dir, "textfile", "cairn.prom"), "utf8")).not.toMatch(/job="logs"/);
    expect(await readdir(join(dir, "textfile"))).toEqual(["cairn.prom"]);
  });

  it("--pushgateway PUTs each job's metrics to job/<job>/instance/<host>", async () => {
    const run = await cairn(["backup", "--pushgateway", gateway.url], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(gateway.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      "PUT /metrics/job/db/instance/pod-stable 200",
      "PUT /metrics/job/logs/instance/pod-stable 200",
    ]);
    const db = gateway.groups.get("job=db,instance=pod-stable")!;
    const bytes = db.samples.find((s) => s.name === "cairn_last_backup_bytes")!;
    expect(bytes.labels).toEqual({ job: "db", instance: "pod-stable" });
    expect(bytes.value).toBeGreaterThan(0);
    expect(
      db.samples.some(
        (s) => s.name === "cairn_last_success_timestamp_seconds" && s.labels.destination === "disk",
      ),
    ).toBe(true);
  });

  it("says so and exits 1 when the Pushgateway cannot be reached; refuses a bad target before backing up", async () => {
    await gateway.stop();
    const run = await cairn(["backup", "db", "--pushgateway", gateway.url], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`error: could not reach the Pushgateway at ${gateway.url}`));
    expect(run.stdout).toMatch(/db: backup db-\S+ ok/);
    gateway = await startTestPushgateway();

    const before = await readdir(join(dir, "backups", "db"));
    const bad = await cairn(["backup", "--metrics-file", "no/such/folder/cairn.prom"], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/the folder .*no\/such\/folder does not exist/);
    expect(await readdir(join(dir, "backups", "db"))).toEqual(before);
  });
});
