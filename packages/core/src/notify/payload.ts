import { type BackupResult, retentionFailed, succeeded } from "../pipeline/results.js";

/** unchanged: `skipUnchanged` found the source as the newest backups hold it, and uploaded nothing. */
export type RunStatus = "ok" | "partial" | "failed" | "unchanged";

/** What a webhook receives and a notify command reads on stdin. Documented in docs/notifications.md. */
export interface RunReport {
  /** Bumped only when a field changes meaning or goes away. */
  version: 1;
  event: "run.finished";
  job: string;
  host: string;
  status: RunStatus;
  startedAt: string;
  finishedAt: string;
  backups: {
    id: string;
    entry?: string;
    status: RunStatus;
    archiveBytes?: number;
    sha256?: string;
    error?: { code: string; message: string };
    destinations: {
      name: string;
      status: string;
      error?: { code: string; message: string };
      /** Present when retention ran there: what it removed, and what it could not do. */
      retention?: { removed: number; errors: { code: string; message: string }[] };
    }[];
  }[];
}

/**
 * unchanged when nothing needed uploading, ok when every backup is ok or unchanged, failed when
 * none got anywhere, partial in between. A retention that failed somewhere makes an otherwise
 * good run partial, as it makes `cairn backup` exit 3: old backups that stay fill the space.
 */
export function overallStatus(results: readonly BackupResult[]): RunStatus {
  if (results.length > 0 && results.every((r) => r.status === "failed")) return "failed";
  if (!results.every((r) => succeeded(r.status)) || retentionFailed(results)) return "partial";
  if (results.length > 0 && results.every((r) => r.status === "unchanged")) return "unchanged";
  return "ok";
}

export function buildReport(
  job: string,
  host: string,
  started: Date,
  finished: Date,
  results: readonly BackupResult[],
): RunReport {
  return {
    version: 1,
    event: "run.finished",
    job,
    host,
    status: overallStatus(results),
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    backups: results.map((r) => ({
      id: r.id,
      ...(r.entry === undefined ? {} : { entry: r.entry }),
      status: r.status,
      ...(r.archive ? { archiveBytes: r.archive.size, sha256: r.archive.sha256 } : {}),
      ...(r.error ? { error: { code: r.error.code, message: r.error.message } } : {}),
      destinations: r.destinations.map((d) => ({
        name: d.destination,
        status: d.status,
        ...(d.error ? { error: { code: d.error.code, message: d.error.message } } : {}),
        ...(d.retention
          ? {
              retention: {
                removed: d.retention.removed.length,
                errors: d.retention.errors.map(({ code, message }) => ({ code, message })),
              },
            }
          : {}),
      })),
    })),
  };
}
