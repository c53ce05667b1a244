import { spawnSync } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Project, simpleConfig } from "../__fixtures__/cli.js";

describe("cairn schedule print with drills", () => {
  let project: Project;
  beforeEach(async () => {
    project = await Project.create();
    await project.file("data/a.txt", "alpha");
    await project.writeConfig(
      simpleConfig(
        "./data",
        'schedule: "30 3 * * *"\ntimeZone: Europe/Berlin\ndrill: { schedule: "0 5 * * 0", sample: 100, pick: random }',
      ),
    );
  });
  afterEach(async () => {
    await project.cleanup();
  });

  it("gives a job's drill units of its own beside the backup's, which systemd-analyze accepts", async () => {
    const printed = await project.json<{ files: Record<string, string> }>(["schedule", "print", "--systemd"]);
    expect(Object.keys(printed.files)).toEqual([
      "cairn-job.service",
      "cairn-job.timer",
      "cairn-job-drill.service",
      "cairn-job-drill.timer",
    ]);
    const service = printed.files["cairn-job-drill.service"]!;
    expect(service).toContain("Description=cairn restore drill of job job");
    expect(service).toMatch(
      /^ExecStart=\S+ \S+ drill job --config \S+cairn\.config\.yaml --sample 100 --random$/m,
    );
    expect(printed.files["cairn-job-drill.timer"]).toContain("OnCalendar=Sun *-*-* 05:00:00 Europe/Berlin");
    expect(printed.files["cairn-job-drill.timer"]).toContain("Unit=cairn-job-drill.service");
    for (const [name, text] of Object.entries(printed.files)) await project.file(name, text);
    const verify = spawnSync(
      "systemd-analyze",
      ["verify", ...Object.keys(printed.files).map((name) => `${project.dir}/${name}`)],
      { encoding: "utf8" },
    );
    if (verify.error) throw new Error("systemd-analyze is needed for this test (Debian package systemd)");
    expect(verify.stderr.split("\n").filter((l) => l.includes("cairn-job"))).toEqual([]);

    const cron = await project.run(["schedule", "print", "--cron"]);
    expect(cron.stdout).toMatch(
      /# cairn job job: restore drill\nCRON_TZ=Europe\/Berlin\n0 5 \* \* 0 cd .* drill job /,
    );
  });
});
