import type { RunRecord } from "./run-record.js";

/**
 * When this machine's last run of the job found the source unchanged at `destination`, with
 * `newestId` the backup it matched there: that run's end. The newest backup of a `skipUnchanged`
 * job whose source sits still grows old while it stays current; it is not stale as long as runs
 * keep finding it so. Only the last run counts: one that failed since confirms nothing.
 */
export function confirmedUnchangedAt(
  record: RunRecord,
  destination: string,
  newestId: string,
): Date | undefined {
  const run = record.lastRun;
  if (!run) return undefined;
  const confirmed = run.backups.some(
    (b) =>
      b.id === newestId &&
      b.status === "unchanged" &&
      b.destinations.some((d) => d.name === destination && d.status === "unchanged"),
  );
  return confirmed ? new Date(run.finishedAt) : undefined;
}
