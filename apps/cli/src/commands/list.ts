import { type BackupCatalog, type CairnConfig, listBackups, summarizeError } from "@cairn/core";
import type { Command } from "commander";
import { withPool } from "../destination-pool.js";
import { type ExitCode, exitCodeForOutcomes } from "../exit-codes.js";
import { destinationsOf } from "../job-destinations.js";
import { formatAge, formatBytes, formatTime } from "../output/format.js";
import { table } from "../output/table.js";
import type { Session } from "../session.js";
import type { Runner } from "./runner.js";

export function registerList(program: Command, run: Runner): void {
  program
    .command("list")
    .alias("ls")
    .description("list the backups at each destination, newest first, with incomplete uploads marked")
    .argument("[job]", "only this job's backups")
    .option("-d, --destination <name>", "only this destination")
    .addHelpText(
      "after",
      `
An "incomplete" row is an archive without its manifest (an upload that was cut off, or one
running right now). It is not a backup: retention never counts it, and \`cairn prune\` removes
it once it is a day old.`,
    )
    .action(
      run((session, job: string | undefined, options: { destination?: string }) =>
        list(session, job, options),
      ),
    );
}

interface Listing {
  destination: string;
  job: string;
  catalog?: BackupCatalog;
  error?: ReturnType<typeof summarizeError>;
}

async function list(
  session: Session,
  job: string | undefined,
  options: { destination?: string },
): Promise<ExitCode> {
  const config = await session.config();
  const jobs = await session.jobs(job ? [job] : []);
  const listings = await withPool(config, session.logger, async (pool) => {
    const out: Listing[] = [];
    for (const destination of destinationsOf(config, jobs, options.destination)) {
      for (const j of jobs.filter((j) => j.destinations.includes(destination))) {
        try {
          const open = await pool.get(destination);
          out.push({ destination, job: j.name, catalog: await listBackups(open.destination, j.name) });
        } catch (error) {
          out.push({ destination, job: j.name, error: summarizeError(error, config.secrets) });
        }
      }
    }
    return out;
  });
  if (session.json) session.printJson(toJson(listings));
  else printListings(session, config, listings);
  return exitCodeForOutcomes(listings.map((l) => l.error === undefined));
}

function printListings(session: Session, config: CairnConfig, listings: Listing[]): void {
  const now = new Date();
  let current = "";
  for (const listing of listings) {
    if (listing.destination !== current) {
      current = listing.destination;
      const type = config.destinations.get(current)?.plugin.type ?? "?";
      session.print(`${current} (${type})`);
    }
    if (listing.error) {
      session.print(`  ${listing.job}: error: ${listing.error.message} [${listing.error.code}]`);
      if (listing.error.hint) session.print(`  ${listing.job}: hint: ${listing.error.hint}`);
      continue;
    }
    const { complete, incomplete } = listing.catalog!;
    if (complete.length === 0 && incomplete.length === 0) {
      session.print(`  ${listing.job}: no backups yet`);
      continue;
    }
    const rows = [
      ...complete.map((b) => ({
        time: b.time,
        cells: [
          b.id,
          b.manifest.host,
          formatTime(b.time),
          formatAge(b.time, now),
          formatBytes(b.archive.size),
          String(b.manifest.entries),
          // Per destination: one that encrypts on its own stores an age file where others do not.
          b.manifest.encryption ? "encrypted" : "",
        ],
      })),
      ...incomplete.map((u) => ({
        time: u.time,
        cells: [
          u.id,
          "",
          formatTime(u.time),
          formatAge(u.time, now),
          formatBytes(u.size),
          "",
          `INCOMPLETE (${u.reason})`,
        ],
      })),
    ].sort((a, b) => b.time.getTime() - a.time.getTime());
    session.print(
      `  job ${listing.job}: ${complete.length} complete${incomplete.length > 0 ? `, ${incomplete.length} incomplete` : ""}`,
    );
    for (const line of table(
      ["backup", "host", "created (UTC)", "age", "size", "entries", ""],
      rows.map((r) => r.cells),
      "    ",
    )) {
      session.print(line);
    }
  }
}

function toJson(listings: Listing[]) {
  return {
    backups: listings.flatMap((l) =>
      (l.catalog?.complete ?? []).map((b) => ({
        destination: l.destination,
        job: l.job,
        id: b.id,
        host: b.manifest.host,
        time: b.time.toISOString(),
        size: b.archive.size,
        format: b.manifest.archive.format,
        entries: b.manifest.entries,
        sha256: b.manifest.archive.sha256,
        tags: b.manifest.tags,
        key: b.archive.key,
        encrypted: b.manifest.encryption !== undefined,
        ...(b.manifest.entry ? { entry: b.manifest.entry } : {}),
      })),
    ),
    incomplete: listings.flatMap((l) =>
      (l.catalog?.incomplete ?? []).map((u) => ({
        destination: l.destination,
        job: l.job,
        id: u.id,
        time: u.time.toISOString(),
        size: u.size,
        reason: u.reason,
        keys: u.keys,
      })),
    ),
    errors: listings.flatMap((l) =>
      l.error ? [{ destination: l.destination, job: l.job, ...l.error }] : [],
    ),
  };
}
