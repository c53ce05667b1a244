import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { finished, listed, Project, simpleConfig } from "./__fixtures__/cli.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("running unattended", () => {
  let project: Project;
  beforeEach(async () => {
    project = await Project.create();
  });
  afterEach(async () => {
    await project.cleanup();
  });

  it("cairn run runs a job on its schedule without overlap, and SIGTERM mid-backup leaves no partial backup", async () => {
    // A `before` hook makes each run outlast the one-second schedule; 200 MB of incompressible
    // data keeps the upload going long enough to be stopped in the middle of it.
    for (let i = 0; i < 4; i++) await project.file(`data/part${i}.bin`, randomBytes(50 * 1024 * 1024));
    await project.writeConfig(
      simpleConfig("./data", 'schedule: "* * * * * *"\ntimeZone: UTC\nhooks: { before: "sleep 1.2" }'),
    );
    const child = project.start(["run", "--log-format", "json"]);
    const output = finished(child);
    // Let a few runs start and finish, then stop it while one is under way.
    let log = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      log += chunk.toString();
    });
    for (let waited = 0; waited < 30_000 && (log.match(/run finished/g) ?? []).length < 2; waited += 100)
      await sleep(100);
    for (
      let waited = 0;
      waited < 10_000 && !/run starts/.test(log.split("run finished").at(-1) ?? "");
      waited += 50
    ) {
      await sleep(50);
    }
    // The hook is done by now and the archive is streaming.
    await sleep(1400);
    child.kill("SIGTERM");
    const result = await output;
    expect(result.code).toBe(0);

    const lines = result.stderr
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { msg: string; level: string });
    const events = lines.map((l) => l.msg);
    // Never two at once: every start is followed by its finish before the next start.
    let running = 0;
    for (const event of events) {
      if (/run starts/.test(event)) expect(++running).toBe(1);
      if (/run (finished|failed)/.test(event)) running--;
    }
    expect(events.some((e) => /skipped the scheduled run, the previous one is still going/.test(e))).toBe(
      true,
    );
    expect(events.filter((e) => /backup \S+ ok/.test(e)).length).toBeGreaterThanOrEqual(2);
    expect(result.stderr).toMatch(/stopping: job under way, aborting/);
    // The run that was stopped says so, and took nothing for a backup.
    expect(events.at(-2)).toMatch(/backup job-\S+ failed.*interrupted/);

    // What is there is whole: every complete backup verifies, the aborted one is not among them.
    const { backups } = await listed(project);
    const ok = events.filter((e) => /backup \S+ ok/.test(e)).length;
    expect(backups).toHaveLength(ok);
    const verify = await project.run(["verify", "--all"]);
    expect(verify.code).toBe(0);
  }, 90_000);

  it("cairn status reports each destination's newest backup and exits 1 when a job is stale", async () => {
    await project.file("data/a.txt", "alpha");
    // Fresh under a generous staleAfter, stale under a tight one: no race with a slow machine.
    await project.writeConfig(simpleConfig("./data", "staleAfter: 1h"));
    const never = await project.run(["status"]);
    expect(never.code).toBe(1);
    expect(never.stdout).toMatch(/job {2}STALE/);
    expect((await project.run(["backup"])).code).toBe(0);
    const fresh = await project.json<{
      jobs: { stale: boolean; destinations: { newest?: { id: string } }[] }[];
    }>(["status"]);
    expect(fresh.$run.code).toBe(0);
    expect(fresh.jobs[0]!.stale).toBe(false);
    expect(fresh.jobs[0]!.destinations[0]!.newest!.id).toMatch(/^job-/);
    await project.writeConfig(simpleConfig("./data", "staleAfter: 1s"));
    await sleep(1200);
    const stale = await project.run(["status"]);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toMatch(/STALE/);
  }, 30_000);

  it("prints service files for the OS scheduler that systemd-analyze accepts", async () => {
    await project.file("data/a.txt", "alpha");
    await project.writeConfig(
      simpleConfig("./data", 'schedule: "30 3 * * *"\ntimeZone: Europe/Berlin\ncatchUp: true'),
    );
    const printed = await project.json<{ files: Record<string, string> }>(["schedule", "print", "--systemd"]);
    expect(Object.keys(printed.files)).toEqual(["cairn-job.service", "cairn-job.timer"]);
    for (const [name, text] of Object.entries(printed.files)) await project.file(name, text);
    const verify = spawnSync(
      "systemd-analyze",
      ["verify", `${project.dir}/cairn-job.timer`, `${project.dir}/cairn-job.service`],
      {
        encoding: "utf8",
      },
    );
    if (verify.error) throw new Error("systemd-analyze is needed for this test (Debian package systemd)");
    expect(verify.stderr.split("\n").filter((l) => l.includes("cairn-job"))).toEqual([]);
    expect(printed.files["cairn-job.timer"]).toContain("OnCalendar=*-*-* 03:30:00 Europe/Berlin");
    const cron = await project.run(["schedule", "print", "--cron"]);
    expect(cron.stdout).toMatch(/^CRON_TZ=Europe\/Berlin\n30 3 \* \* \* cd /m);
    const none = await project.run(["schedule", "print"]);
    expect(none.code).toBe(2);
  });

  it("never prints a secret: not in logs, results, errors or any command's output", async () => {
    const secrets = {
      SFTP_PASSWORD: `pw-${randomBytes(8).toString("hex")}`,
      HOOK_TOKEN: `tok-${randomBytes(8).toString("hex")}`,
      GCS_KEY: `key-${randomBytes(8).toString("hex")}`,
    };
    const received: string[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req
        .on("data", (c: Buffer) => (body += c))
        .on("end", () => {
          received.push(body);
          res.end();
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      await project.file("data/a.txt", "alpha");
      await project.writeConfig(`destinations:
  disk: { type: local, path: ./backups }
  nas: { type: sftp, host: 127.0.0.1, port: 1, username: backup, password: "\${env:SFTP_PASSWORD}", hostKey: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", path: "/srv/\${env:SFTP_PASSWORD}" }
jobs:
  job:
    source: { type: path, path: ./data }
    destinations: [disk, nas]
    hooks: { before: "echo token \${env:HOOK_TOKEN} >&2" }
    notify:
      - { type: webhook, url: "http://127.0.0.1:${port}/hook", headers: { authorization: "Bearer \${env:HOOK_TOKEN}" } }
`);
      const env = secrets;
      const outputs = [
        await project.run(["backup", "--verbose", "--log-format", "json"], env),
        await project.run(["backup", "--json"], env),
        await project.run(["list", "--verbose"], env),
        await project.run(["status", "--json"], env),
        await project.run(["prune", "--dry-run", "--verbose"], env),
        await project.run(["config", "check"], env),
        await project.run(["verify", "--all", "--json"], env),
      ];
      expect(outputs[0]!.code).toBe(3);
      const everything = [...outputs.flatMap((o) => [o.stdout, o.stderr]), ...received].join("\n");
      expect(everything).toMatch(/nas/);
      for (const value of Object.values(secrets)) expect(everything).not.toContain(value);
    } finally {
      server.close();
    }
  }, 60_000);

  it("cairn run --metrics serves Prometheus metrics per job and destination", async () => {
    await project.file("data/a.txt", "alpha");
    await project.writeConfig(simpleConfig("./data", 'schedule: "* * * * * *"\ntimeZone: UTC'));
    const child = project.start(["run", "--metrics", "127.0.0.1:0"]);
    const output = finished(child);
    let log = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      log += chunk.toString();
    });
    for (let waited = 0; waited < 20_000 && !/backup job-\S+ ok/.test(log); waited += 100) await sleep(100);
    const address = /metrics at (http:\/\/\S+)/.exec(log)?.[1];
    expect(address, log).toBeDefined();
    const text = await (await fetch(address!)).text();
    child.kill("SIGTERM");
    await output;
    expect(text).toMatch(/cairn_last_success_timestamp_seconds\{job="job",destination="disk"\} \d+/);
    expect(text).toMatch(/cairn_last_backup_bytes\{job="job"\} \d+/);
    expect(text).toMatch(/# TYPE cairn_failures_total counter/);
  }, 60_000);
});
