import { readFile, utimes } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { type GcsEmulator, startGcsEmulator } from "@cairn/testkit/gcs-emulator";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Project } from "./__fixtures__/cli.js";

interface Results {
  results: {
    id: string;
    status: string;
    unchangedSince?: string;
    destinations: { destination: string; status: string; retention?: { removed: string[] } }[];
  }[];
}

function config(destinations: string, extra = "", more = ""): string {
  return `destinations:
  disk: { type: local, path: ./backups }
${more}
jobs:
  docs:
    source: { type: path, path: ./data }
    archive: { format: zip }
    destinations: ${destinations}
    skipUnchanged: true
${extra
  .split("\n")
  .filter(Boolean)
  .map((line) => `    ${line}`)
  .join("\n")}
`;
}

describe("skipUnchanged, as a user runs it", () => {
  let project: Project;
  beforeEach(async () => {
    project = await Project.create();
    await project.file("data/report.txt", "quarterly figures");
    await project.file("data/notes/todo.txt", "nothing");
  });
  afterEach(async () => {
    await project.cleanup();
  });

  it("uploads once for two runs on an untouched tree, says unchanged in text and --json, and prunes on the unchanged run", async () => {
    await project.writeConfig(config("[disk]", "retention: { keepLast: 5 }"));
    const first = await project.run(["backup"]);
    expect(first.code, first.stderr).toBe(0);
    const id = /backup (docs-\S+) ok/.exec(first.stdout)![1]!;
    const stored = await project.ls("backups/docs");
    expect(stored).toHaveLength(2);

    const second = await project.run(["backup"]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(
      new RegExp(`^docs: unchanged since backup ${id} \\(made \\S+ \\S+\\); nothing uploaded`, "m"),
    );
    expect(second.stdout).toMatch(/^ {2}unchanged disk: .*backups\/docs\/docs-\S+\.zip$/m);
    const json = await project.json<Results>(["backup"]);
    expect(json.$run.code).toBe(0);
    expect(json.results).toEqual([
      expect.objectContaining({
        id,
        status: "unchanged",
        destinations: [expect.objectContaining({ destination: "disk", status: "unchanged" })],
      }),
    ]);
    expect(await project.ls("backups/docs")).toEqual(stored);

    // A change makes a second backup; a tighter policy then prunes on a run that uploads nothing.
    const later = new Date(Date.now() + 60_000);
    await utimes(join(project.dir, "data/notes/todo.txt"), later, later);
    const changed = await project.run(["backup"]);
    expect(changed.stdout).toMatch(/backup docs-\S+ ok/);
    expect(await project.ls("backups/docs")).toHaveLength(4);
    await project.writeConfig(config("[disk]", "retention: { keepLast: 1 }"));
    const pruned = await project.run(["backup"]);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.stdout).toMatch(/^docs: unchanged since backup/m);
    expect(pruned.stdout).toMatch(/retention removed 1 old backup/);
    expect(await project.ls("backups/docs")).toHaveLength(2);
    expect((await project.run(["verify"])).code).toBe(0);
  }, 60_000);

  it("uploads after a format change, and shows how current an unchanged job is in status", async () => {
    await project.writeConfig(config("[disk]", "staleAfter: 1h"));
    expect((await project.run(["backup"])).code).toBe(0);
    await project.writeConfig(config("[disk]", "staleAfter: 1h").replace("format: zip", "format: tar.gz"));
    const reformatted = await project.run(["backup"]);
    expect(reformatted.stdout).toMatch(/backup docs-\S+ ok: tar\.gz/);
    expect((await project.run(["backup"])).stdout).toMatch(/unchanged since backup/);
    const status = await project.run(["status"]);
    expect(status.code, status.stdout).toBe(0);
    expect(status.stdout).toMatch(/ok, found unchanged \d+s ago/);
  }, 60_000);

  it("warns in config check where a source can never be skipped", async () => {
    await project.writeConfig(`destinations:
  disk: { type: local, path: ./backups }
jobs:
  dump:
    source: { type: command, command: "echo hi", name: hi.txt }
    destinations: [disk]
    skipUnchanged: true
`);
    const check = await project.run(["config", "check"]);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(
      /warning: jobs\.dump\.skipUnchanged: has no effect with the command source: it cannot tell cheaply whether it changed/,
    );
    expect(check.stdout).toContain("skips a run when nothing changed");
    const json = await project.json<{ jobs: { name: string; skipUnchanged: boolean }[] }>([
      "config",
      "check",
    ]);
    expect(json.jobs.map((j) => [j.name, j.skipUnchanged])).toEqual([["dump", true]]);
  });
});

describe("skipUnchanged with a destination added later", () => {
  let project: Project;
  let gcs: GcsEmulator;
  beforeAll(async () => {
    gcs = await startGcsEmulator({ buckets: ["backups"] });
  });
  afterAll(async () => {
    await gcs?.stop();
  });
  beforeEach(async () => {
    project = await Project.create();
    await project.file("data/report.txt", "quarterly figures");
  });
  afterEach(async () => {
    await project.cleanup();
  });

  it("gives the new destination its first backup at once while the first is skipped", async () => {
    const cloud = `  cloud: { type: gcs, bucket: backups, prefix: cairn, apiEndpoint: "${gcs.url}", projectId: test }`;
    await project.writeConfig(config("[disk]", "", cloud));
    expect((await project.run(["backup"])).code).toBe(0);
    await project.writeConfig(config("[disk, cloud]", "", cloud));
    const both = await project.run(["backup"]);
    expect(both.code, both.stderr).toBe(0);
    expect(both.stdout).toMatch(/^docs: unchanged since backup docs-\S+ .*\n {2}unchanged disk: /m);
    expect(both.stdout).toMatch(/^docs: backup docs-\S+ ok: zip.*\n {2}ok {6}cloud: /m);
    expect(await project.ls("backups/docs")).toHaveLength(2);
    expect(gcs.objectNames("backups").filter((n) => n.startsWith("cairn/docs/"))).toHaveLength(2);

    const again = await project.json<Results>(["backup"]);
    expect(again.$run.code).toBe(0);
    expect(again.results.flatMap((r) => r.destinations.map((d) => `${d.destination} ${d.status}`))).toEqual([
      "disk unchanged",
      "cloud unchanged",
    ]);
    expect(gcs.objectNames("backups").filter((n) => n.startsWith("cairn/docs/"))).toHaveLength(2);
    const restored = await project.run(["restore", "docs", "--to", "./restored"]);
    expect(restored.code, restored.stderr).toBe(0);
  }, 60_000);
});

describe("skipUnchanged in notifications and metrics", () => {
  let project: Project;
  let server: Server;
  const received: { url: string; body: string }[] = [];
  beforeEach(async () => {
    project = await Project.create();
    await project.file("data/report.txt", "quarterly figures");
    received.length = 0;
    server = createServer((req, res) => {
      let body = "";
      req
        .on("data", (c: Buffer) => {
          body += c;
        })
        .on("end", () => {
          received.push({ url: req.url ?? "", body });
          res.end();
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    await project.cleanup();
  });

  it("reports unchanged to a webhook and the metrics, and pings healthchecks with success", async () => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await project.writeConfig(
      config(
        "[disk]",
        `notify:\n  - { type: webhook, url: "${base}/hook" }\n  - { type: ping, url: "${base}/ping" }`,
      ),
    );
    expect((await project.run(["backup"])).code).toBe(0);
    received.length = 0;
    const second = await project.run(["backup", "--metrics-file", "cairn.prom"]);
    expect(second.code, second.stderr).toBe(0);

    const hook = received.find((r) => r.url === "/hook")!;
    const report = JSON.parse(hook.body) as {
      status: string;
      backups: { status: string; destinations: { name: string; status: string }[] }[];
    };
    expect(report.status).toBe("unchanged");
    expect(report.backups).toEqual([
      // Retention still ran on the unchanged run, and removed nothing.
      expect.objectContaining({
        status: "unchanged",
        destinations: [{ name: "disk", status: "unchanged", retention: { removed: 0, errors: [] } }],
      }),
    ]);
    // healthchecks: start, then the success URL (not /fail), whose body says why nothing was uploaded.
    expect(received.filter((r) => r.url.startsWith("/ping")).map((r) => r.url)).toEqual([
      "/ping/start",
      "/ping",
    ]);
    expect(received.find((r) => r.url === "/ping")!.body).toMatch(/cairn job docs on \S+: unchanged/);

    const metrics = await readFile(join(project.dir, "cairn.prom"), "utf8");
    expect(metrics).toMatch(/^cairn_last_run_unchanged\{job="docs",destination="disk"\} 1$/m);
    expect(metrics).toMatch(/^cairn_last_success_timestamp_seconds\{job="docs",destination="disk"\} \d+/m);
    expect(metrics).not.toMatch(/^cairn_failures_total\{[^}]*\} [1-9]/m);
  }, 60_000);
});
