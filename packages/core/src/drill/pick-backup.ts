import { type CompleteBackup, listBackups } from "../catalog/list-backups.js";
import type { CairnConfig, ConfiguredJob } from "../config/load.js";
import type { Logger } from "../contracts/context.js";
import { CairnError } from "../errors.js";
import { closeQuietly, type OpenDestination, openDestination } from "../pipeline/open-destinations.js";
import { sameHost } from "../retention/group.js";
import type { RandomInt } from "./sample.js";

export interface BackupChoice {
  /** A backup id; else the newest complete backup, or with `random` any one of those kept. */
  id?: string;
  random?: boolean;
  /** Only at this destination; else the first of the job's destinations that has one. */
  destination?: string;
}

export interface PickedBackup {
  open: OpenDestination;
  backup: CompleteBackup;
  /** How many complete backups there were to choose from. */
  kept: number;
}

/**
 * Finds the backup a drill restores. This host's backups come first where the destination is
 * shared with other hosts: the drill answers "can I get my data back". The caller closes `open`.
 */
export async function pickBackup(
  config: CairnConfig,
  job: ConfiguredJob,
  choice: BackupChoice,
  logger: Logger,
  random: RandomInt,
  signal?: AbortSignal,
): Promise<PickedBackup> {
  const names = choice.destination === undefined ? job.destinations : [choice.destination];
  if (choice.destination !== undefined && !job.destinations.includes(choice.destination)) {
    throw new CairnError(
      "USAGE",
      `job ${job.name} does not back up to a destination "${choice.destination}"`,
      {
        hint: `its destinations: ${job.destinations.join(", ")}`,
      },
    );
  }
  const failures: string[] = [];
  for (const name of names) {
    let open: OpenDestination | undefined;
    try {
      open = await openDestination(config, name, logger);
      const { complete } = await listBackups(open.destination, job.name, signal);
      const own = complete.filter((b) => sameHost(b.manifest.host, config.host));
      const candidates = own.length > 0 ? own : complete;
      const backup =
        choice.id !== undefined
          ? candidates.find((b) => b.id === choice.id)
          : choice.random
            ? candidates[random(Math.max(candidates.length, 1))]
            : candidates[0];
      if (backup) return { open, backup, kept: candidates.length };
    } catch (error) {
      failures.push(`${name}: ${(error as Error).message}`);
    }
    if (open) await closeQuietly(open, logger);
  }
  const what = choice.id
    ? `no backup "${choice.id}" of job ${job.name}`
    : `job ${job.name} has no complete backup`;
  const where = choice.destination ? `at destination "${choice.destination}"` : "at any of its destinations";
  throw new CairnError(
    "BACKUP_NOT_FOUND",
    `${what} ${where}${failures.length > 0 ? ` (${failures.join("; ")})` : ""}`,
    { hint: "`cairn list` shows the backups there are; a drill needs one to restore" },
  );
}
