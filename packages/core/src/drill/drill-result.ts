import type { RestoredCheck } from "../contracts/source.js";
import type { ErrorSummary } from "../pipeline/outcome.js";
import type { LiveComparison } from "./compare-live.js";

/** The outcome of one drill: what a user, `cairn status`, notifications and metrics see. */
export interface DrillResult {
  job: string;
  host: string;
  status: "ok" | "failed";
  startedAt: string;
  finishedAt: string;
  destination?: string;
  /** The backup restored. */
  id?: string;
  backupCreatedAt?: string;
  /** Files asked for with `sample`; absent for a drill of everything. */
  sample?: number;
  indexed?: boolean;
  restored?: {
    entries: number;
    bytes: number;
    archiveBytes: number;
    durationMs: number;
    /** Archive bytes read per second of the restore. */
    bytesPerSecond: number;
  };
  /** Entries compared with the index on disk. */
  checked?: number;
  problems?: string[];
  sourceChecks?: RestoredCheck[];
  changes?: LiveComparison;
  error?: ErrorSummary;
}

/** The one error a failed drill reports: how many entries differ, and which source checks failed. */
export function failureOf(
  count: number,
  problems: readonly string[],
  checks: readonly RestoredCheck[],
): ErrorSummary {
  const parts: string[] = [];
  if (count > 0) {
    const more = count - problems.length;
    parts.push(
      `${count === 1 ? "1 entry differs" : `${count} entries differ`} from the backup's index: ${problems.join("; ")}${more > 0 ? `; and ${more} more` : ""}`,
    );
  }
  for (const check of checks) {
    parts.push(
      `${check.path ? `${JSON.stringify(check.path)} fails ${check.check}` : check.check}: ${check.detail ?? "failed"}`,
    );
  }
  return { code: "DRILL_FAILED", message: parts.join("; ") };
}
