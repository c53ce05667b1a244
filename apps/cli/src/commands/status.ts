import { type DrillStatus, type JobStatus, jobStatus } from "@cairn/core";
import type { Command } from "commander";
import { EXIT, type ExitCode } from "../exit-codes.js";
import { formatAge, formatBytes, formatDuration, formatTime } from "../output/format.js";
import { table } from "../output/table.js";
import type { Session } from "../session.js";
import type { Runner } from "./runner.js";
import { fleet } from "./status-fleet.js";

export function registerStatus(program: Command, run: Runner): void {
  program
    .command("status")
    .description("each job's newest backup at each destination, its age, and whether it is stale")
    .argument("[job...]", "only these jobs (default: every job)")
    .option("--all-hosts", "every host and job found at the destinations, from the destinations alone")
    .option(
      "--stale-after <duration>",
      "with --all-hosts: a host's newest backup older than this is stale (default: the job's staleAfter or schedule here, else 2d)",
    )
    .addHelpText(
      "after",
      `
Read from the destinations' manifests, so it works from any machine with the config. A job is
stale when its newest backup is older than its staleAfter (default: twice the longest gap of its
schedule); a job without schedule or staleAfter is never stale. A job with a drill schedule is
also stale when no restore drill succeeded within its drill.staleAfter (default: twice the
longest gap of the drill's schedule). The last failure is what this
machine remembers of its own runs.

With --all-hosts it lists every job and host whose backups are at the config's destinations,
including hosts and jobs this config does not have: run it from any machine that can read them.

Exit codes: 0 nothing stale, 1 a job is stale or a destination could not be read, 2 bad usage.
Feed it to monitoring: cairn status --json, cairn status --all-hosts --json`,
    )
    .action(
      run((session, jobs: string[], options: { allHosts?: boolean; staleAfter?: string }) =>
        options.allHosts ? fleet(session, jobs, options.staleAfter) : status(session, jobs),
      ),
    );
}

async function status(session: Session, names: string[]): Promise<ExitCode> {
  const config = await session.config();
  const jobs = await session.jobs(names);
  const now = new Date();
  const statuses: JobStatus[] = [];
  for (const job of jobs) statuses.push(await jobStatus(config, job, session.logger, now));
  if (session.json) {
    session.printJson({ now: now.toISOString(), jobs: statuses });
  } else {
    for (const s of statuses) {
      const limit =
        s.staleAfterMs === undefined
          ? "never stale"
          : `stale after ${formatAge(new Date(0), new Date(s.staleAfterMs))}`;
      session.print(`${s.job}${s.stale ? "  STALE" : ""}  (${limit})`);
      const rows = s.destinations.map((d) => [
        d.destination,
        d.newest ? d.newest.id : d.error ? `cannot read: ${d.error.message}` : "no backup yet",
        d.newest ? formatTime(new Date(d.newest.createdAt)) : "",
        d.newest ? formatAge(new Date(d.newest.createdAt), now) : "",
        d.newest ? formatBytes(d.newest.size) : "",
        String(d.backups),
        d.stale
          ? "stale"
          : d.unchangedAt
            ? `ok, found unchanged ${formatAge(new Date(d.unchangedAt), now)} ago`
            : "ok",
      ]);
      for (const line of table(
        ["destination", "newest backup", "created (UTC)", "age", "size", "kept", "state"],
        rows,
      )) {
        session.print(line);
      }
      if (s.drill) session.print(`  ${drillLine(s.drill, now)}`);
      if (s.lastFailure) {
        session.print(
          `  last failure ${formatTime(new Date(s.lastFailure.finishedAt))}: ${s.lastFailure.errors[0] ?? "unknown"}`,
        );
      }
    }
  }
  const unhealthy = statuses.some((s) => s.stale || s.destinations.some((d) => d.error));
  return unhealthy ? EXIT.failed : EXIT.ok;
}

/** "drill: last ok 2026-12-01 05:00:12Z (db-…, 1.2s), last success 2d ago" and whether it is stale. */
function drillLine(drill: DrillStatus, now: Date): string {
  const last = drill.last;
  const what = last
    ? `last ${last.status} ${formatTime(new Date(last.finishedAt))}${last.id ? ` (${last.id}${last.durationMs === undefined ? "" : `, ${formatDuration(last.durationMs)}`})` : ""}${last.status === "ok" ? "" : `: ${last.error?.message ?? "unknown error"}`}`
    : "never drilled";
  const success =
    last?.status === "ok" || !drill.lastSuccess
      ? ""
      : `, last success ${formatAge(new Date(drill.lastSuccess.finishedAt), now)} ago`;
  const limit =
    drill.staleAfterMs === undefined
      ? ""
      : `; stale after ${formatAge(new Date(0), new Date(drill.staleAfterMs))}`;
  return `drill ${drill.stale ? "STALE" : "ok"}: ${what}${success}${limit}`;
}
