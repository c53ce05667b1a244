/**
 * Which backups one retention plan may weigh against each other. By default a backup belongs to
 * the group of its job and the host that made it (restic's `--group-by host,paths`), so one
 * host's prune never removes another host's backups. `groupBy: job` puts every host's backups
 * of the job in one group, for a fleet that rotates one logical backup.
 */
export type GroupBy = "host" | "job";

export interface RetentionGroup {
  job: string;
  /** The host whose backups form the group; undefined when the job's hosts share one group. */
  host: string | undefined;
}

export function retentionGroup(job: string, groupBy: GroupBy | undefined, host: string): RetentionGroup {
  return { job, host: groupBy === "job" ? undefined : host };
}

/** Host names compare as DNS does, without case: `Mac.local` and `mac.local` are one machine. */
export function sameHost(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

export function inGroup(backup: { host: string }, group: RetentionGroup): boolean {
  return group.host === undefined || sameHost(backup.host, group.host);
}

/** "host web1" or "all hosts", for plans and messages. */
export function describeGroup(group: RetentionGroup): string {
  return group.host === undefined ? "all hosts (groupBy: job)" : `host ${group.host}`;
}
