import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { type CliRun, finished } from "./cli.js";

function need(tool: string, debianPackage: string): string {
  const found = spawnSync("sh", ["-c", `command -v ${tool}`], {
    encoding: "utf8",
    env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" },
  });
  if (found.status !== 0) throw new Error(`this test needs \`${tool}\`: apt-get install ${debianPackage}`);
  return found.stdout.trim();
}

/**
 * What `cairn schedule print` writes for `job`, checked as the schedulers would take it: the
 * units start `program` (absolute paths), systemd-analyze verify accepts them, xmllint the plist
 * and the Task Scheduler XML, and the crontab line, run by sh with cron's bare PATH, makes a backup.
 */
export async function expectServiceFilesWork(
  cairn: (args: string[]) => Promise<CliRun>,
  options: { job: string; program: string[]; backupsDir: string },
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "cairn-units-"));
  try {
    const systemd = await cairn(["schedule", "print", "--systemd", options.job]);
    expect(systemd.code, systemd.stderr).toBe(0);
    const [service, timer] = systemd.stdout.split(/^# ---- .*\n/m).filter(Boolean);
    const exec = /^ExecStart=(.*)$/m.exec(systemd.stdout)?.[1];
    expect(exec?.startsWith(`${options.program.join(" ")} backup ${options.job} --config /`), exec).toBe(true);
    await writeFile(join(dir, `cairn-${options.job}.service`), service ?? systemd.stdout);
    await writeFile(join(dir, `cairn-${options.job}.timer`), timer ?? "");
    const verify = spawnSync(
      need("systemd-analyze", "systemd"),
      ["verify", join(dir, `cairn-${options.job}.timer`), join(dir, `cairn-${options.job}.service`)],
      { encoding: "utf8" },
    );
    expect(verify.stderr.split("\n").filter((line) => line.includes(`cairn-${options.job}`))).toEqual([]);

    for (const [flag, file] of [
      ["--launchd", "job.plist"],
      ["--windows", "job.xml"],
    ] as const) {
      const printed = await cairn(["schedule", "print", flag, options.job]);
      expect(printed.code, printed.stderr).toBe(0);
      expect(printed.stdout).toContain(options.program[0]);
      await writeFile(join(dir, file), printed.stdout);
      const lint = spawnSync(need("xmllint", "libxml2-utils"), ["--noout", join(dir, file)], { encoding: "utf8" });
      expect(lint.status, lint.stderr).toBe(0);
    }

    const cron = await cairn(["schedule", "print", "--cron", options.job]);
    const line = cron.stdout.split("\n").find((l) => /^[\d*]/.test(l));
    const command = line!.split(" ").slice(5).join(" ");
    const before = (await readdir(options.backupsDir).catch(() => [])).length;
    // Not spawnSync: the destinations' emulators may run in this very process.
    const ran = await finished(
      spawn("/bin/sh", ["-c", command], {
        env: { PATH: "/usr/bin:/bin", HOME: dir, NO_COLOR: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      }),
    );
    expect(ran.code, `${command}\n${ran.stdout}${ran.stderr}`).toBe(0);
    expect((await readdir(options.backupsDir)).length).toBeGreaterThan(before);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
