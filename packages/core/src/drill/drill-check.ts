import type { RestoredCheck } from "../contracts/source.js";
import type { LiveComparison } from "./compare-live.js";

/** What a drill of one backup found (docs/drills.md). */
export interface DrillCheck {
  /** Whether the restored entries were checked against a per-entry index (backups made before it have none). */
  indexed: boolean;
  restored: {
    entries: number;
    /** Bytes of file content written. */
    bytes: number;
    /** Bytes read from the destination (the stored archive). */
    archiveBytes: number;
    /** From the first byte read to the last entry written: the recovery time to expect. */
    durationMs: number;
  };
  /** Entries compared with the index on disk. */
  checked: number;
  /** What was wrong, the first few; `problemCount` counts them all. */
  problems: string[];
  problemCount: number;
  sourceChecks: RestoredCheck[];
  changes?: LiveComparison;
}
