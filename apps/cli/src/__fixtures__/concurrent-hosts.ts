import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { CLI, finished } from "./cli.js";
import { cairn, cairnJson } from "./in-process.js";
import { type SharedKind, startShared } from "./shared-destinations.js";

const HOSTS = ["h1", "h2", "h3", "h4"];
const LOCK_WAIT_MS = 30_000;

interface LeaseEvent {
  lease: "acquired" | "released";
  token: string;
  time: string;
}

const made: string[] = [];
afterAll(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

/** One machine: its own folder and state (its local job lock), and the fleet's shared destination. */
async function machine(host: string, entry: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `cairn-${host}-`));
  made.push(dir);
  await mkdir(join(dir, "data"));
  await writeFile(join(dir, "data", "a.txt"), `${host}\n`);
  await writeFile(
    join(dir, "cairn.config.yaml"),
    `host: ${host}\nstateDir: ./.state\nlockWait: 30s\nlockExpiry: 5s\ndestinations:\n  shared: ${entry}\njobs:\n  db:\n    source: { type: path, path: ./data }\n    destinations: [shared]\n    retention: { keepLast: 2 }\n`,
  );
  return dir;
}

const stampOf = (id: string) => /-(\d{8}T\d{6}Z)-/.exec(id)![1]!;

/** One `cairn` command line in a machine's folder: in this test's process, or as a process of its own. */
type Runner = (args: string[], cwd: string) => Promise<{ code: number | null; stdout: string; stderr: string }>;

const inProcess: Runner = cairn;
const asProcess: Runner = (args, cwd) =>
  finished(spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] }));

/**
 * Eight cairn runs at once, four hosts × two machines each (two pods of one host name), against
 * one destination, `repetitions` times. One file per destination kind, so vitest runs them side
 * by side: each is mostly waiting for the lease. In this test's process by default (a fresh Node
 * takes a second to start, and 20 rounds of 8 on two cores would take minutes); with `processes`,
 * each run is a `cairn` process of its own, as on a real fleet, for fewer rounds.
 */
export function describeConcurrentHosts(
  kind: SharedKind,
  { repetitions = 20, processes = false }: { repetitions?: number; processes?: boolean } = {},
): void {
const REPETITIONS = repetitions;
const run = processes ? asProcess : inProcess;
describe(`four hosts × two ${processes ? "cairn processes" : "runs"} at once against one ${kind} destination`, () => {
  it(`${REPETITIONS} times: no kept backup lost, no two prunes at once, every run within lockWait`, async () => {
    const shared = await startShared(kind);
    try {
      // Two machines per host name: two pods of one Deployment, say.
      const machines = (await Promise.all(HOSTS.flatMap((h) => [machine(h, shared.entry), machine(h, shared.entry)]))).map(
        (dir, i) => ({ dir, host: HOSTS[Math.floor(i / 2)]! }),
      );
      const made = new Map<string, string[]>(HOSTS.map((h) => [h, []]));
      const leases: LeaseEvent[] = [];
      for (let round = 0; round < REPETITIONS; round++) {
        const runs = await Promise.all(
          machines.map(async ({ dir, host }) => {
            const started = Date.now();
            const done = await run(["backup", "--json", "--verbose", "--log-format", "json"], dir);
            return { host, run: done, ms: Date.now() - started };
          }),
        );
        for (const { host, run, ms } of runs) {
          expect(run.code, run.stderr).toBe(0);
          expect(ms).toBeLessThan(LOCK_WAIT_MS);
          const { results } = JSON.parse(run.stdout) as {
            results: { id: string; status: string; destinations: { retention?: { errors: unknown[] } }[] }[];
          };
          expect(results.flatMap((r) => r.destinations.flatMap((d) => d.retention?.errors ?? []))).toEqual([]);
          made.get(host)!.push(...results.filter((r) => r.status === "ok").map((r) => r.id));
          for (const line of run.stderr.split("\n")) {
            if (!line.includes('"lease"')) continue;
            const event = JSON.parse(line) as LeaseEvent;
            leases.push(event);
          }
        }
      }

      // The lease log: every holding ends before the next begins.
      const held = new Map<string, { from: number; to: number }>();
      for (const e of leases) {
        const t = Date.parse(e.time);
        const span = held.get(e.token) ?? { from: t, to: Number.POSITIVE_INFINITY };
        if (e.lease === "acquired") span.from = t;
        else span.to = t;
        held.set(e.token, span);
      }
      const spans = [...held.values()].sort((a, b) => a.from - b.from);
      expect(spans).toHaveLength(machines.length * REPETITIONS);
      for (let i = 1; i < spans.length; i++) expect(spans[i]!.from).toBeGreaterThanOrEqual(spans[i - 1]!.to);

      // What the policy keeps is there: per host, two backups, none older than one removed.
      const listed = await cairnJson<{ backups: { id: string; host: string }[] }>(["list"], machines[0]!.dir);
      for (const host of HOSTS) {
        const left = listed.backups.filter((b) => b.host === host).map((b) => b.id);
        expect(left).toHaveLength(2);
        const removed = made.get(host)!.filter((id) => !left.includes(id));
        expect(removed).toHaveLength(REPETITIONS * 2 - 2);
        const oldestLeft = left.map(stampOf).sort()[0]!;
        for (const id of removed) expect(stampOf(id) <= oldestLeft, `${id} removed, newer than ${oldestLeft}`).toBe(true);
      }
    } finally {
      await shared.stop();
    }
  }, 600_000);
});
}
