import { resolve } from "node:path";
import { CairnError, keysFit, restoreBackup } from "@cairn/core";
import type { Command } from "commander";
import { collectIdentity, keysAt, readIdentities } from "../decryption-keys.js";
import { withPool } from "../destination-pool.js";
import { EXIT, type ExitCode } from "../exit-codes.js";
import { findBackups } from "../find-backup.js";
import { formatBytes, plural } from "../output/format.js";
import type { Session } from "../session.js";
import type { Runner } from "./runner.js";

interface RestoreOptions {
  to?: string;
  overwrite?: boolean;
  destination?: string;
  identity?: string[];
}

export function registerRestore(program: Command, run: Runner): void {
  program
    .command("restore")
    .description("restore a backup into a folder, with file modes and modification times")
    .argument("<backup>", "a backup id (see `cairn list`), or a job name for its newest backup")
    .requiredOption("-t, --to <dir>", "folder to restore into (created if missing)")
    .option("--overwrite", "replace files that already exist in the folder")
    .option(
      "-d, --destination <name>",
      "read the backup from this destination (default: the first that has it and whose copy the keys open)",
    )
    .option(
      "-i, --identity <file>",
      "private key for an encrypted backup: an age identity file or an SSH key (repeatable)",
      collectIdentity,
    )
    .addHelpText(
      "after",
      `
The archive's SHA-256 is checked while it is read. An entry that would land outside the folder
(a "../" path, or one through a symbolic link) stops the restore with an error, and existing
files are never replaced without --overwrite. Entries are written into a hidden folder inside
the target and moved into place only once the whole archive checked out: a damaged backup
restores nothing. An encrypted backup needs its key (--identity, or encryption.identities).

Examples:
  cairn restore db-20261122T030000Z-k3f9 --to /tmp/db-restore
  cairn restore db --to ./latest --destination nas
  cairn restore db --to ./latest --identity ~/keys/cairn.txt`,
    )
    .action(run((session, ref: string, options: RestoreOptions) => restore(session, ref, options)));
}

async function restore(session: Session, ref: string, options: RestoreOptions): Promise<ExitCode> {
  if (!options.to) throw new CairnError("USAGE", "restore needs a target folder", { hint: "pass --to DIR" });
  const config = await session.config();
  const target = options.to;
  const result = await withPool(config, session.logger, async (pool) => {
    const candidates = await findBackups(config, pool, ref, options.destination);
    const given = await readIdentities(config, options.identity ?? [], session.io.cwd);
    // The first destination whose copy these keys open: with only the off-site copy encrypted,
    // a restore without its key reads the plain one. None fits: the first, whose error names the keys.
    const keyed = candidates.map((c) => ({ ...c, keys: keysAt(config, c.job, c.open.name, given) }));
    const found = keyed.find((c) => keysFit(c.backup.manifest, c.keys)) ?? keyed[0]!;
    const { backup, open } = found;
    session.note(
      `restoring ${backup.id} from ${open.name} (${formatBytes(backup.archive.size)}) into ${target}`,
    );
    const archiver = session.registry.archiver(backup.manifest.archive.format)({});
    const ctx = { signal: session.io.signal ?? new AbortController().signal, logger: session.logger };
    const decryption = found.keys;
    const restored = await restoreBackup(
      open.destination,
      backup,
      archiver,
      { target: resolve(session.io.cwd, target), overwrite: options.overwrite === true, decryption },
      ctx,
    );
    return { ...restored, destination: open.name, job: found.job.name };
  });
  if (session.json) session.printJson({ restored: result });
  session.print(
    `restored ${result.id} from ${result.destination}: ${plural(result.entries, "entry", "entries")}, ${formatBytes(result.bytes)} into ${result.target}`,
  );
  return EXIT.ok;
}
