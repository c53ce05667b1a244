import { CairnError } from "../errors.js";
import { type Instant, TimeError, toInstant } from "./instant.js";

export interface RetentionCandidate {
  id: string;
  time: Date | string;
  size?: number;
  tags?: readonly string[];
}

/** A candidate as the plan works with it: its time read, its tags present. */
export interface Backup {
  id: string;
  time: Instant;
  size: number | undefined;
  tags: readonly string[];
  /** Position in the input, for error messages. */
  index: number;
}

/** Reads the candidates, refusing what no plan can be made of (a duplicate id, a missing size). */
export function readBackups(candidates: readonly RetentionCandidate[], needSize: boolean): Backup[] {
  const seen = new Set<string>();
  return candidates.map((candidate, index) => {
    if (seen.has(candidate.id)) {
      throw new CairnError("INTERNAL", `retention: backup id "${candidate.id}" appears twice`);
    }
    seen.add(candidate.id);
    const size = candidate.size;
    if (needSize && (typeof size !== "number" || !Number.isFinite(size) || size < 0)) {
      throw new CairnError(
        "INTERNAL",
        `retention: backup "${candidate.id}" has no size, which maxTotalSize needs`,
      );
    }
    return {
      id: candidate.id,
      time: instantOrThrow(candidate.time, `backup "${candidate.id}"`),
      size,
      tags: candidate.tags ?? [],
      index,
    };
  });
}

export function instantOrThrow(value: Date | string, what: string): Instant {
  try {
    return toInstant(value);
  } catch (error) {
    if (error instanceof TimeError) throw new CairnError("INTERNAL", `retention: ${what}: ${error.message}`);
    throw error;
  }
}
