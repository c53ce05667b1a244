import { z } from "zod";
import type { BandwidthLimits } from "./limit-destination.js";
import { parseBandwidth, ScheduleError } from "./schedule.js";

/** A limit as written in the config: `10MiB/s`, `off`, or a schedule `"08:00,512k 19:00,off"`. */
const bandwidthSchema = z.union([z.string(), z.number()]).superRefine((value, ctx) => {
  try {
    parseBandwidth(value);
  } catch (error) {
    if (!(error instanceof ScheduleError)) throw error;
    ctx.addIssue({ code: "custom", message: error.message, input: undefined });
  }
});

/**
 * Keys every destination takes besides its plugin's own options: core applies them to whatever
 * the plugin returns. `bandwidthLimit` holds for both directions; `limits` sets one direction
 * (and wins over `bandwidthLimit` for it).
 */
export const destinationLimitKeys = {
  /** Bytes per second for uploads and downloads, e.g. `10MiB/s`, or a time-of-day schedule. */
  bandwidthLimit: bandwidthSchema.optional(),
  limits: z
    .strictObject({
      /** Bytes per second for archives going to the destination. */
      upload: bandwidthSchema.optional(),
      /** Bytes per second for archives read back (restore, verify). */
      download: bandwidthSchema.optional(),
    })
    .optional(),
};

export const LIMIT_KEYS = Object.keys(destinationLimitKeys);

type LimitEntry = {
  bandwidthLimit?: string | number;
  limits?: { upload?: string | number; download?: string | number };
};

/** The parsed limits of a destination entry the schema accepted. */
export function limitsOf(entry: LimitEntry): BandwidthLimits {
  const upload = entry.limits?.upload ?? entry.bandwidthLimit;
  const download = entry.limits?.download ?? entry.bandwidthLimit;
  return {
    ...(upload !== undefined ? { upload: parseBandwidth(upload) } : {}),
    ...(download !== undefined ? { download: parseBandwidth(download) } : {}),
  };
}
