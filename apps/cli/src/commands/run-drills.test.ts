import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { finished, Project, simpleConfig } from "../__fixtures__/cli.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Status {
  jobs: {
    stale: boolean;
    drill?: { stale: boolean; last?: { status: string; id: string; durationMs: number } };
  }[];
}

describe("drills in cairn run", () => {
  let project: Project;
  beforeEach(async () => {
    project = await Project.create();
  });
  afterEach(async () => {
    await project.cleanup();
  });

  it("runs a job's drill on its schedule; the result reaches a webhook, the metrics and cairn status", async () => {
    const received: { event: string; status: string; id: string; sample: number }[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req
        .on("data", (chunk: Buffer) => (body += chunk))
        .on("end", () => {
          received.push(JSON.parse(body));
          res.end();
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const hook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      for (let i = 0; i < 5; i++) await project.file(`data/file ${i}.txt`, `content ${i}\n`);
      // Every second, to keep the test short; a generous staleAfter keeps status from racing the clock.
      const drill = 'drill: { schedule: "* * * * * *", sample: 2, staleAfter: 1h }\ntimeZone: UTC';
      await project.writeConfig(simpleConfig("./data", drill));
      // No drill has run yet: the job is stale for want of one.
      const never = await project.run(["status"]);
      expect(never.code).toBe(1);
      expect(never.stdout).toMatch(/drill STALE: never drilled/);

      expect((await project.run(["backup"])).code).toBe(0);
      await project.writeConfig(
        simpleConfig("./data", `${drill}\nnotify: [{ type: webhook, url: "${hook}" }]`),
      );
      const child = project.start(["run", "--metrics", "127.0.0.1:0"]);
      const output = finished(child);
      let log = "";
      child.stderr?.on("data", (chunk: Buffer) => {
        log += chunk.toString();
      });
      for (let waited = 0; waited < 30_000 && !/drill of job-\S+ ok/.test(log); waited += 100)
        await sleep(100);
      const address = /metrics at (http:\/\/\S+)/.exec(log)?.[1];
      expect(address, log).toBeDefined();
      const metrics = await (await fetch(address!)).text();
      child.kill("SIGTERM");
      expect((await output).code).toBe(0);

      expect(log).toMatch(/job: next drill \d{4}-/);
      expect(log).toMatch(/job job: drill of job-\S+ ok, 2 entries/);
      expect(metrics).toMatch(/cairn_last_drill_success_timestamp_seconds\{job="job"\} \d+/);
      expect(metrics).toMatch(/cairn_last_drill_duration_seconds\{job="job"\} [\d.e-]+/);
      expect(metrics).toMatch(/cairn_last_drill_ok\{job="job"\} 1/);
      expect(received.length).toBeGreaterThan(0);
      expect(received[0]).toMatchObject({ event: "drill.finished", status: "ok", sample: 2 });

      const status = await project.json<Status>(["status"]);
      expect(status.$run.code).toBe(0);
      expect(status.jobs[0]!.drill).toMatchObject({
        stale: false,
        last: { status: "ok", id: received[0]!.id },
      });
      expect(status.jobs[0]!.drill!.last!.durationMs).toBeGreaterThanOrEqual(0);
      const text = await project.run(["status"]);
      expect(text.stdout).toMatch(/drill ok: last ok \S+ \S+ \(job-\S+, [\d.]+s\); stale after 1h/);

      // No drill for longer than its staleAfter: status says so and exits 1, as for old backups.
      await project.writeConfig(simpleConfig("./data", drill.replace("1h", "1s")));
      await sleep(1200);
      const stale = await project.json<Status>(["status"]);
      expect(stale.$run.code).toBe(1);
      expect(stale.jobs[0]).toMatchObject({ stale: true, drill: { stale: true } });
    } finally {
      server.close();
    }
  }, 60_000);
});
