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
  status: "ok" | "failed";
  archiveKey?: string;
  error?: ErrorSummary;
  retention?: Pick<RetentionRun, "removed" | "bytesFreed" | "errors" | "notes">;
}

export interface BackupResult {
  job: string;
  id: string;
  /** For jobs that make one backup per entry: the entry this backup holds. */
  entry?: string;
  /** ok: every destination has the backup; partial: some do; failed: none does. */
  status: "ok" | "partial" | "failed";
  startedAt: string;
  finishedAt: string;
  archive?: { format: string; size: number; sha256: string; entries: number; sourceBytes: number };
  destinations: DestinationResult[];
  error?: ErrorSummary;
}
