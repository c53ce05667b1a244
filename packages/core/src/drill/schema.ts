import { z } from "zod";
import { clockDurationSchema } from "../sources/path-options.js";

/** A job's unattended restore drill, run by `cairn run` (docs/drills.md). */
export const drillConfigSchema = z.strictObject({
  /** Cron expression (5 fields, or 6 with seconds first) in the job's time zone. */
  schedule: z.string(),
  /** Restore this many files chosen at random instead of all of them. */
  sample: z.int().positive().optional(),
  /** newest (the default): the newest complete backup; random: any one of those kept. */
  pick: z.enum(["newest", "random"]).optional(),
  /** `cairn status` calls the job stale when no drill succeeded for this long; twice the schedule's longest gap by default. */
  staleAfter: clockDurationSchema.optional(),
  /** The folder the sandbox is made in (it needs room for what is restored); the system's temp folder by default. */
  sandbox: z.string().min(1).optional(),
});

export type DrillConfigData = z.infer<typeof drillConfigSchema>;

/** A job's drill as the config resolved it. */
export interface DrillConfig {
  schedule: string;
  sample: number | undefined;
  pick: "newest" | "random";
  staleAfterMs: number | undefined;
  /** Absolute. */
  sandbox: string | undefined;
}
