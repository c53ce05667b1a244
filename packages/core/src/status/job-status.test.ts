import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../config/load.js";
import { silentLogger } from "../contracts/context.js";
import type { Destination } from "../contracts/destination.js";
import { createMemoryDestination } from "../memory-destination.js";
import { memoryRegistry } from "../pipeline/__fixtures__/memory-plugin.js";
import { runBackup } from "../pipeline/run-backup.js";
import type { PluginRegistry } from "../registry.js";
import { jobStatus } from "./job-status.js";
import { longestInterval } from "./schedule.js";

const HOUR = 3_600_000;

describe("jobStatus", () => {
  let dir: string;
  let stores: Map<string, Destination>;
  let registry: PluginRegistry;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "cairn-status-"));
    await mkdir(join(dir, "data"));
    await writeFile(join(dir, "data", "a.txt"), "alpha");
    stores = new Map([["disk", createMemoryDestination()]]);
    registry = memoryRegistry(stores);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const load = (job: string) =>
    parseConfig(
      `stateDir: ./state
destinations: { disk: { type: memory, name: disk } }
jobs:
  files: { source: { type: path, path: ./data }, archive: { format: tar }, destinations: [disk], ${job} }
`,
      join(dir, "cairn.config.yaml"),
      registry,
    );

  async function backup(job: string) {
    const config = await load(job);
    return runBackup({
      config,
      job: config.jobs.get("files")!,
      registry,
      logger: silentLogger,
      engineVersion: "0",
    });
  }

  it("reports the newest backup with its age and size, fresh within staleAfter", async () => {
    const result = await backup("staleAfter: 2h");
    const config = await load("staleAfter: 2h");
    const status = await jobStatus(
      config,
      config.jobs.get("files")!,
      silentLogger,
      new Date(Date.now() + HOUR),
    );
    expect(status.stale).toBe(false);
    expect(status.destinations[0]).toMatchObject({ destination: "disk", backups: 1, stale: false });
    expect(status.destinations[0]!.newest!.id).toBe(result.id);
    expect(status.destinations[0]!.newest!.ageMs).toBeGreaterThanOrEqual(HOUR - 1000);
    expect(status.lastRun!.status).toBe("ok");
  });

  it("calls a job stale when its newest backup is older than twice the schedule's interval", async () => {
    await backup('schedule: "0 3 * * *", timeZone: UTC');
    const config = await load('schedule: "0 3 * * *", timeZone: UTC');
    const job = config.jobs.get("files")!;
    expect((await jobStatus(config, job, silentLogger, new Date(Date.now() + 47 * HOUR))).stale).toBe(false);
    const late = await jobStatus(config, job, silentLogger, new Date(Date.now() + 49 * HOUR));
    expect(late.stale).toBe(true);
    expect(late.staleAfterMs).toBe(48 * HOUR);
  });

  it("calls a job that never backed up stale, and remembers the last failure", async () => {
    await backup("staleAfter: 1d, hooks: { before: 'echo the NAS is asleep >&2; exit 3' }");
    const config = await load("staleAfter: 1d");
    const status = await jobStatus(config, config.jobs.get("files")!, silentLogger, new Date());
    expect(status.stale).toBe(true);
    expect(status.destinations[0]!.newest).toBeUndefined();
    expect(status.lastFailure!.errors.join("\n")).toMatch(/the NAS is asleep/);
  });

  it("measures a weekday schedule by its longest gap, the weekend", () => {
    expect(longestInterval("0 3 * * 1-5", "UTC", new Date("2026-11-22T00:00:00Z"))).toBe(72 * HOUR);
  });

  it("refuses a schedule that is not cron, naming the key", async () => {
    await expect(load('schedule: "every night"')).rejects.toThrow(
      /jobs\.files\.schedule: schedule "every night" is not a cron expression/,
    );
  });
});
