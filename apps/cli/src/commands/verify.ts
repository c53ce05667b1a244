import {
  type CompleteBackup,
  listBackups,
  type OpenDestination,
  type VerifyResult,
  verifyBackup,
} from "@cairn/core";
import type { Command } from "commander";
import { collectIdentity, decryptionKeys } from "../decryption-keys.js";
import { type DestinationPool, withPool } from "../destination-pool.js";
import { EXIT, type ExitCode } from "../exit-codes.js";
import { findBackups } from "../find-backup.js";
import { destinationsOf } from "../job-destinations.js";
import { formatBytes, plural } from "../output/format.js";
import type { Session } from "../session.js";
import type { Runner } from "./runner.js";

interface VerifyOptions {
  destination?: string;
  all?: boolean;
  identity?: string[];
}

export function registerVerify(program: Command, run: Runner): void {
  program
    .command("verify")
    .description("re-read backups from where they are stored and check them")
    .argument("[job|backup]", "a job (its newest backup) or a backup id; every job when omitted")
    .option("-d, --destination <name>", "only at this destination")
    .option("-a, --all", "every backup of the job, not only the newest")
    .option(
      "-i, --identity <file>",
      "private key for encrypted backups, to check their contents too (repeatable)",
      collectIdentity,
    )
    .addHelpText(
      "after",
      `
Verify downloads each archive, checks its SHA-256 against the manifest, and reads every entry
(without writing anything), checking each file's SHA-256, size, mode and mtime against the
backup's per-entry index; a changed file is named. Backups made before cairn kept an index are
checked by the archive's SHA-256 and by decompressing every entry. Exit code 1 when any backup fails.
An encrypted backup is decrypted with --identity or the job's encryption.identities; with no key
at all, only its stored SHA-256 and size are checked, and the output says so.

Examples:
  cairn verify                                  newest backup of every job, at every destination
  cairn verify db --all                         every backup of job db
  cairn verify db-20261122T030000Z-k3f9 -d nas  one backup at one destination`,
    )
    .action(
      run((session, target: string | undefined, options: VerifyOptions) => verify(session, target, options)),
    );
}

interface Checked {
  destination: string;
  job: string;
  result: VerifyResult;
}

async function verify(
  session: Session,
  target: string | undefined,
  options: VerifyOptions,
): Promise<ExitCode> {
  const config = await session.config();
  const checked = await withPool(config, session.logger, async (pool) => {
    const targets = await chooseTargets(session, pool, target, options);
    const out: Checked[] = [];
    for (const { destination, job, backup, open } of targets) {
      session.note(`verifying ${backup.id} at ${destination} (${formatBytes(backup.archive.size)})`);
      const archiver = session.registry.archiver(backup.manifest.archive.format)({});
      const ctx = { signal: session.io.signal ?? new AbortController().signal, logger: session.logger };
      const keys = await decryptionKeys(
        config,
        config.jobs.get(job),
        destination,
        options.identity ?? [],
        session.io.cwd,
      );
      out.push({
        destination,
        job,
        result: await verifyBackup(open.destination, backup, archiver, ctx, keys),
      });
    }
    return out;
  });
  if (session.json) {
    session.printJson({
      verified: checked.map((c) => ({ destination: c.destination, job: c.job, ...c.result })),
    });
  }
  for (const { destination, result } of checked) {
    if (result.ok && !result.contentsChecked) {
      session.print(
        `ok      ${destination}  ${result.id}  encrypted, ${formatBytes(result.size)}, SHA-256 matches; contents not checked (no identity given)`,
      );
    } else if (result.ok) {
      session.print(
        `ok      ${destination}  ${result.id}  ${plural(result.entries, "entry", "entries")}, ${formatBytes(result.size)}, SHA-256 matches${result.indexed ? ", every entry matches its index" : " (made before per-entry checksums)"}`,
      );
    } else {
      session.print(
        `FAILED  ${destination}  ${result.id}  ${result.error?.message ?? "unknown error"} [${result.error?.code}]`,
      );
    }
  }
  if (checked.length === 0) session.print("no backups to verify");
  if (checked.every((c) => c.result.ok)) return EXIT.ok;
  // No key that fits is the user's to fix, like a bad option.
  return checked.some((c) => c.result.error?.code === "DECRYPT_NO_IDENTITY") ? EXIT.usage : EXIT.failed;
}

interface Target {
  destination: string;
  job: string;
  backup: CompleteBackup;
  open: OpenDestination;
}

async function chooseTargets(
  session: Session,
  pool: DestinationPool,
  target: string | undefined,
  options: VerifyOptions,
): Promise<Target[]> {
  const config = await session.config();
  if (target !== undefined && !config.jobs.has(target)) {
    const found = await findBackups(config, pool, target, options.destination);
    return found.map((f) => ({ destination: f.open.name, job: f.job.name, backup: f.backup, open: f.open }));
  }
  const jobs = await session.jobs(target ? [target] : []);
  const out: Target[] = [];
  for (const destination of destinationsOf(config, jobs, options.destination)) {
    const open = await pool.get(destination);
    for (const job of jobs.filter((j) => j.destinations.includes(destination))) {
      const { complete } = await listBackups(open.destination, job.name);
      const chosen = options.all ? complete : complete.slice(0, 1);
      out.push(...chosen.map((backup) => ({ destination, job: job.name, backup, open })));
    }
  }
  return out;
}
