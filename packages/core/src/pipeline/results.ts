import type { RetentionRun } from "./apply-retention.js";
import type { ErrorSummary } from "./outcome.js";

export interface BackupProgress {
  entries: number;
  sourceBytes: number;
  archiveBytes: number;
  currentPath: string | undefined;
}

export interface DestinationResult {
  destination: string;
  /** unchanged: `skipUnchanged` found the source as the newest backup there holds it; nothing was uploaded. */
  status: "ok" | "failed" | "unchanged";
  archiveKey?: string;
  error?: ErrorSummary;
  retention?: Pick<RetentionRun, "removed" | "bytesFreed" | "errors" | "notes">;
}

export interface BackupResult {
  job: string;
  id: string;
  /** For jobs that make one backup per entry: the entry this backup holds. */
  entry?: string;
  /**
   * ok: every destination has the backup; partial: some do; failed: none does; unchanged: this
   * is an existing backup, and the destinations listed hold it with the source as it is now, so
   * nothing was uploaded to them.
   */
  status: "ok" | "partial" | "failed" | "unchanged";
  /** For an unchanged result: when the existing backup was made. */
  unchangedSince?: string;
  startedAt: string;
  finishedAt: string;
  archive?: { format: string; size: number; sha256: string; entries: number; sourceBytes: number };
  destinations: DestinationResult[];
  error?: ErrorSummary;
}

/** Whether a destination or a backup holds the source as of this run: uploaded, or found unchanged. */
export function succeeded(status: BackupResult["status"]): boolean {
  return status === "ok" || status === "unchanged";
}

/** Whether retention failed at some destination: nothing is lost yet, but old backups pile up. */
export function retentionFailed(results: readonly BackupResult[]): boolean {
  return results.some((r) => r.destinations.some((d) => (d.retention?.errors.length ?? 0) > 0));
}
