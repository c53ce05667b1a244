import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Cron } from "croner";
import { afterAll, beforeAll } from "vitest";
import type { ServiceCommand } from "../service-command.js";

/** The path of an outside tool the test needs; a missing one fails the test with the package to install. */
export function need(tool: string, debianPackage: string): string {
  const found = spawnSync("which", [tool], { encoding: "utf8" });
  if (found.status !== 0) throw new Error(`this test needs \`${tool}\`: apt-get install ${debianPackage}`);
  return found.stdout.trim();
}

/**
 * A job's command in a folder whose name has a space, as `schedule print` builds it: made before
 * the file's tests, removed after them.
 */
export function withServiceCommand(): { readonly command: ServiceCommand; readonly dir: string } {
  const fixture = {} as { command: ServiceCommand; dir: string };
  beforeAll(async () => {
    fixture.dir = await mkdtemp(join(tmpdir(), "cairn service files "));
    fixture.command = await commandIn(fixture.dir);
  });
  afterAll(() => rm(fixture.dir, { recursive: true, force: true }));
  return fixture;
}

async function commandIn(dir: string): Promise<ServiceCommand> {
  const main = join(dir, "main.js");
  await writeFile(main, "");
  return {
    job: "db",
    schedule: "30 3 * * 1-5",
    timeZone: "Europe/Berlin",
    catchUp: true,
    argv: [process.execPath, main, "backup", "db", "--config", join(dir, "cairn.config.yaml")],
    workingDirectory: dir,
    logFile: join(dir, "cairn-db.log"),
  };
}

/** The next `count` runs `cairn run` would make, as croner computes them. */
export function cronerRuns(schedule: string, timeZone: string, from: Date, count: number): string[] {
  return new Cron(schedule, { paused: true, timezone: timeZone }).nextRuns(count, from).map((d) => d.toISOString());
}
