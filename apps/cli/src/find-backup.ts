import {
  type CairnConfig,
  CairnError,
  type CompleteBackup,
  type ConfiguredJob,
  listBackups,
  type OpenDestination,
} from "@cairn/core";
import type { DestinationPool } from "./destination-pool.js";

export interface FoundBackup {
  job: ConfiguredJob;
  open: OpenDestination;
  backup: CompleteBackup;
}

/**
 * Finds a backup by id, or the newest backup of a job when `ref` names a job, at every
 * destination that holds it (or only at `only`). Destinations that cannot be read are skipped
 * while another one has the backup; when none has it, their errors are part of the message.
 */
export async function findBackups(
  config: CairnConfig,
  pool: DestinationPool,
  ref: string,
  only: string | undefined,
): Promise<FoundBackup[]> {
  if (only !== undefined && !config.destinations.has(only)) {
    throw new CairnError("USAGE", `no destination named "${only}" in ${config.file}`, {
      hint: `destinations defined there: ${[...config.destinations.keys()].join(", ")}`,
    });
  }
  const byJob = config.jobs.get(ref);
  // Jobs whose backups carry the ref's prefix first: usually the id starts with the job's name.
  const jobs = byJob
    ? [byJob]
    : [...config.jobs.values()].sort(
        (a, b) => Number(ref.startsWith(`${b.name}-`)) - Number(ref.startsWith(`${a.name}-`)),
      );
  const found: FoundBackup[] = [];
  const failures: string[] = [];
  for (const job of jobs) {
    for (const name of job.destinations) {
      if (only !== undefined && name !== only) continue;
      try {
        const open = await pool.get(name);
        const catalog = await listBackups(open.destination, job.name);
        const backup = byJob ? catalog.complete[0] : catalog.complete.find((b) => b.id === ref);
        if (backup) found.push({ job, open, backup });
      } catch (error) {
        failures.push(`${name}: ${(error as Error).message}`);
      }
    }
    if (found.length > 0) return found;
  }
  const where = only ? `destination "${only}"` : "any destination";
  const what = byJob ? `job "${ref}" has no complete backup at ${where}` : `no backup "${ref}" at ${where}`;
  throw new CairnError("BACKUP_NOT_FOUND", failures.length > 0 ? `${what} (${failures.join("; ")})` : what, {
    hint: "`cairn list` shows the backups there are",
  });
}
