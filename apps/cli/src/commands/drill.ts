import { resolve } from "node:path";
import { CairnError, type DrillResult, runDrill } from "@cairn/core";
import type { Command } from "commander";
import { collectIdentity, decryptionKeys } from "../decryption-keys.js";
import { EXIT, type ExitCode, exitCodeFor } from "../exit-codes.js";
import { printDrill } from "../output/drill.js";
import { plural } from "../output/format.js";
import type { Session } from "../session.js";
import type { Runner } from "./runner.js";

interface DrillOptions {
  destination?: string;
  random?: boolean;
  sample?: string;
  sandbox?: string;
  compare?: boolean;
  identity?: string[];
}

export function registerDrill(program: Command, run: Runner): void {
  program
    .command("drill")
    .description("restore a backup into a temporary folder and prove every file came back")
    .argument("[job...]", "the jobs to drill (default: every job)")
    .option(
      "-d, --destination <name>",
      "restore from this destination (default: the first that has a backup)",
    )
    .option("--random", "drill one of the kept backups chosen at random, not the newest")
    .option("--sample <n>", "restore this many files chosen at random instead of all of them")
    .option(
      "--sandbox <dir>",
      "make the temporary folder in DIR (default: the job's drill.sandbox, else the system's temp folder)",
    )
    .option(
      "--compare",
      "also compare the restored files with the live source and report what changed (path sources)",
    )
    .option(
      "-i, --identity <file>",
      "private key for encrypted backups: an age identity file or an SSH key (repeatable)",
      collectIdentity,
    )
    .addHelpText(
      "after",
      `
A drill restores the job's newest complete backup into a new folder of its own, then reads every
restored file back from the disk and checks its path, size, SHA-256, mode and mtime against the
backup's per-entry index. Where the source has a check of its own, it runs on what was restored:
SQLite's PRAGMA integrity_check, pg_restore --list (and a full read) of a PostgreSQL dump, the
completion trailer of a MariaDB/MySQL dump. The folder is removed afterwards, also when the drill
fails or is interrupted. The report says how long the restore took and how fast it read: the
recovery time to expect. --compare is informational and never fails a drill.

Exit codes: 0 every drill passed, 1 one failed (the file and the reason are named), 2 bad usage
or no key for an encrypted backup.

Examples:
  cairn drill                         every job's newest backup, in full
  cairn drill db --sample 100         100 files of db's newest backup
  cairn drill docs --random --compare a kept backup, compared with the live folder`,
    )
    .action(run((session, jobs: string[], options: DrillOptions) => drill(session, jobs, options)));
}

async function drill(session: Session, names: string[], options: DrillOptions): Promise<ExitCode> {
  const sample = options.sample === undefined ? undefined : Number(options.sample);
  if (sample !== undefined && !(Number.isInteger(sample) && sample > 0)) {
    throw new CairnError("USAGE", `--sample ${options.sample} is not a whole number above 0`, {
      hint: "give how many files to restore, e.g. --sample 100",
    });
  }
  const config = await session.config();
  const jobs = await session.jobs(names);
  const results: DrillResult[] = [];
  for (const job of jobs) {
    session.note(`drilling ${job.name}${sample ? ` (${plural(sample, "file")} at random)` : ""}`);
    // The drill picks its destination itself: the keys of every one of the job's.
    const decryption = await decryptionKeys(
      config,
      job,
      options.destination,
      options.identity ?? [],
      session.io.cwd,
    );
    const sandbox = options.sandbox ? resolve(session.io.cwd, options.sandbox) : job.drill?.sandbox;
    results.push(
      await runDrill({
        config,
        job,
        registry: session.registry,
        logger: session.logger,
        decryption,
        ...(options.destination ? { destination: options.destination } : {}),
        ...(options.random ? { random: true } : {}),
        ...(sample === undefined ? {} : { sample }),
        ...(sandbox ? { sandbox } : {}),
        ...(options.compare ? { compare: true } : {}),
        ...(session.io.signal ? { signal: session.io.signal } : {}),
      }),
    );
  }
  if (session.json) session.printJson({ drills: results });
  for (const result of results) printDrill(session, result);
  if (results.every((r) => r.status === "ok")) return EXIT.ok;
  // A missing key or a bad option is the user's to fix: 2, as with restore and verify.
  const usage = results.some(
    (r) => r.error && exitCodeFor(new CairnError(r.error.code, r.error.message)) === EXIT.usage,
  );
  return usage ? EXIT.usage : EXIT.failed;
}
