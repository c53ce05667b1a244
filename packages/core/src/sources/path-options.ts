import { z } from "zod";
import { parseClockDuration } from "../util/clock-duration.js";

export const clockDurationSchema = z
  .string()
  .refine((text) => parseClockDuration(text) !== undefined, {
    message: 'expected a duration such as "30s", "10m" or "1h30m"',
  })
  .transform((text) => parseClockDuration(text)!);

export const pathSourceOptions = z.strictObject({
  /** A file or a folder; relative paths are relative to the config file; `~` is the home folder. */
  path: z.string().min(1),
  /** Glob patterns of files to take (all when absent). A pattern without `/` matches a name at any depth. */
  include: z.array(z.string()).optional(),
  /** Glob patterns of files and folders to leave out; a left-out folder is not entered. */
  exclude: z.array(z.string()).optional(),
  /**
   * `entry`: every top-level file or folder under `path` becomes its own backup, made once per
   * destination (for a folder that gains a new dated subfolder every night).
   */
  each: z.literal("entry").optional(),
  /** With `each: entry`: skip entries changed more recently than this, so nothing half-written ships. */
  settle: clockDurationSchema.optional(),
});

export type PathSourceOptions = z.infer<typeof pathSourceOptions>;
