import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ConfiguredJob } from "../config/load.js";
import type { Logger } from "../contracts/context.js";
import { buildReport } from "../notify/payload.js";
import { writeRunRecord } from "../status/run-record.js";
import { startScheduler } from "./scheduler.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function job(name: string, schedule: string, catchUp = false): ConfiguredJob {
  return { name, schedule, catchUp, timeZone: "UTC" } as ConfiguredJob;
}

describe("startScheduler", () => {
  let stateDir: string;
  let lines: string[];
  let logger: Logger;

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "cairn-sched-"));
    lines = [];
    const log = (m: string) => lines.push(m);
    logger = { debug: log, info: log, warn: log, error: log };
  });
  afterEach(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  it("runs a job on its schedule and never twice at once, skipping and logging what would overlap", async () => {
    let concurrent = 0;
    let most = 0;
    let runs = 0;
    const scheduler = startScheduler({
      jobs: [job("db", "* * * * * *")],
      stateDir,
      logger,
      run: async () => {
        runs++;
        most = Math.max(most, ++concurrent);
        await sleep(2500);
        concurrent--;
      },
    });
    await sleep(4200);
    await scheduler.stop(5000);
    expect(runs).toBeGreaterThanOrEqual(1);
    expect(runs).toBeLessThanOrEqual(2);
    expect(most).toBe(1);
    expect(lines.some((l) => /skipped the scheduled run, the previous one is still going/.test(l))).toBe(
      true,
    );
  }, 15_000);

  it("aborts a run under way when stopped without grace, and starts nothing after", async () => {
    let aborted = false;
    let runs = 0;
    const scheduler = startScheduler({
      jobs: [job("db", "* * * * * *")],
      stateDir,
      logger,
      run: (_job, signal) =>
        new Promise<void>((resolve) => {
          runs++;
          signal.addEventListener("abort", () => {
            aborted = true;
            resolve();
          });
        }),
    });
    while (scheduler.running().length === 0) await sleep(50);
    await scheduler.stop(0);
    expect(aborted).toBe(true);
    const after = runs;
    await sleep(1500);
    expect(runs).toBe(after);
  }, 10_000);

  it("catches up once on start when a scheduled run was missed", async () => {
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    await writeRunRecord(stateDir, buildReport("db", "host", twoDaysAgo, twoDaysAgo, []));
    const started: string[] = [];
    const scheduler = startScheduler({
      jobs: [job("db", "0 3 * * *", true), job("logs", "0 3 * * *", false)],
      stateDir,
      logger,
      run: async (j) => {
        started.push(j.name);
      },
    });
    await sleep(300);
    await scheduler.stop();
    expect(started).toEqual(["db"]);
    expect(lines.join("\n")).toMatch(/job db: missed run starts/);
  });
});
