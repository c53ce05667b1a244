import { z } from "zod";
import { DurationError, parseDuration } from "./duration.js";
import type { GroupBy } from "./group.js";
import { parseSize, SizeError } from "./size.js";

/** `-1`, `"unlimited"` or `Infinity` mean no limit; `0` turns the rule off. */
const countSchema = z
  .custom<RetentionCount>()
  .superRefine((value, ctx) => {
    if (value === "unlimited" || value === Number.POSITIVE_INFINITY) return;
    if (typeof value !== "number" || !Number.isInteger(value)) {
      ctx.addIssue({
        code: "invalid_type",
        expected: "int",
        input: value,
        message: "expected a whole number",
      });
    } else if (value < -1) {
      ctx.addIssue({ code: "too_small", origin: "number", minimum: -1, inclusive: true, input: value });
    }
  })
  .meta({ anyOf: [{ type: "integer", minimum: -1 }, { const: "unlimited" }] });

const durationSchema = z.string().superRefine((text, ctx) => {
  try {
    parseDuration(text);
  } catch (error) {
    if (!(error instanceof DurationError)) throw error;
    ctx.addIssue({ code: "custom", message: error.message, input: text });
  }
});

const sizeSchema = z.union([z.number(), z.string()]).superRefine((value, ctx) => {
  try {
    parseSize(value);
  } catch (error) {
    if (!(error instanceof SizeError)) throw error;
    ctx.addIssue({ code: "custom", message: error.message, input: value });
  }
});

/**
 * A job's retention policy as written in the config. Validation only: values keep the form the
 * user wrote them in (so reasons can quote them), and planRetention normalises them.
 */
export const retentionPolicySchema = z.strictObject({
  /** The N newest backups. */
  keepLast: countSchema.optional(),
  /** The newest backup of each of the last N hours that have backups. */
  keepHourly: countSchema.optional(),
  keepDaily: countSchema.optional(),
  /** ISO weeks, starting on Monday. */
  keepWeekly: countSchema.optional(),
  keepMonthly: countSchema.optional(),
  keepYearly: countSchema.optional(),
  /** Every backup younger than this, measured back from the newest one (`1y6m3d2h`, `P2W`). */
  keepWithin: durationSchema.optional(),
  keepWithinHourly: durationSchema.optional(),
  keepWithinDaily: durationSchema.optional(),
  keepWithinWeekly: durationSchema.optional(),
  keepWithinMonthly: durationSchema.optional(),
  keepWithinYearly: durationSchema.optional(),
  /** Backups carrying all tags of any one list: `[[prod], [db, weekly]]`. */
  keepTags: z.array(z.array(z.string())).optional(),
  /** Hard cap: at most this many backups, the newest. */
  maxCount: z.int().min(1).optional(),
  /** Hard cap: the newest backups whose sizes add up to at most this (`20GB`, `20GiB`, bytes). */
  maxTotalSize: sizeSchema.optional(),
  /** Remove the oldest until the destination has this much free (destinations that can tell). */
  minFreeSpace: sizeSchema.optional(),
  /**
   * Which backups the rules weigh together: `host` (the default) plans each host's backups of
   * the job on their own; `job` plans every host's backups of the job as one set.
   */
  groupBy: z.enum(["host", "job"]).optional(),
});

/** A count: a whole number of backups, `0` for off, `-1` / `"unlimited"` / `Infinity` for no limit. */
export type RetentionCount = number | "unlimited";

export interface RetentionPolicy {
  keepLast?: RetentionCount;
  keepHourly?: RetentionCount;
  keepDaily?: RetentionCount;
  keepWeekly?: RetentionCount;
  keepMonthly?: RetentionCount;
  keepYearly?: RetentionCount;
  keepWithin?: string;
  keepWithinHourly?: string;
  keepWithinDaily?: string;
  keepWithinWeekly?: string;
  keepWithinMonthly?: string;
  keepWithinYearly?: string;
  keepTags?: string[][];
  maxCount?: number;
  maxTotalSize?: number | string;
  minFreeSpace?: number | string;
  groupBy?: GroupBy;
}
