import { CairnError, fleetStatus, parseClockDuration } from "@cairn/core";
import { EXIT, type ExitCode } from "../exit-codes.js";
import { formatAge, formatBytes, formatTime } from "../output/format.js";
import { table } from "../output/table.js";
import type { Session } from "../session.js";

const DEFAULT_STALE_AFTER_MS = 2 * 86_400_000;

/** `cairn status --all-hosts`: the fleet as the destinations show it. */
export async function fleet(
  session: Session,
  jobs: string[],
  staleAfter: string | undefined,
): Promise<ExitCode> {
  const staleAfterMs = staleAfter === undefined ? undefined : parseClockDuration(staleAfter);
  if (staleAfter !== undefined && staleAfterMs === undefined) {
    throw new CairnError("USAGE", `--stale-after ${staleAfter} is not a duration`, {
      hint: 'give a duration such as "26h", "2d" or "90m"',
    });
  }
  const config = await session.config();
  const now = new Date();
  const found = await fleetStatus(config, session.logger, {
    now,
    defaultStaleAfterMs: DEFAULT_STALE_AFTER_MS,
    ...(staleAfterMs === undefined ? {} : { staleAfterMs }),
  });
  const shown = found.map((d) => ({
    ...d,
    jobs: jobs.length === 0 ? d.jobs : d.jobs.filter((j) => jobs.includes(j.job)),
  }));
  if (session.json) {
    session.printJson({ now: now.toISOString(), destinations: shown });
  } else {
    for (const d of shown) {
      const type = config.destinations.get(d.destination)?.plugin.type ?? "?";
      session.print(`${d.destination} (${type})`);
      if (d.error) {
        session.print(`  cannot read: ${d.error.message} [${d.error.code}]`);
        continue;
      }
      const rows = d.jobs.flatMap((j) =>
        j.hosts.map((h) => [
          j.job,
          h.host,
          h.newest.id,
          formatTime(new Date(h.newest.createdAt)),
          formatAge(new Date(h.newest.createdAt), now),
          formatBytes(h.newest.size),
          String(h.backups),
          h.stale ? `STALE (over ${formatAge(new Date(0), new Date(h.staleAfterMs))})` : "ok",
        ]),
      );
      if (rows.length === 0) session.print("  no backups");
      for (const line of table(
        ["job", "host", "newest backup", "created (UTC)", "age", "size", "backups", "state"],
        rows,
      )) {
        session.print(line);
      }
    }
  }
  const unhealthy = shown.some((d) => d.error || d.jobs.some((j) => j.hosts.some((h) => h.stale)));
  return unhealthy ? EXIT.failed : EXIT.ok;
}
