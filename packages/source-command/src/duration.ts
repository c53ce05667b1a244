import { parseClockDuration } from "@cairn/core";
import { z } from "zod";

/** "30s", "10m", "1h30m" (a string), or milliseconds (a number); the result is milliseconds. */
export const timeoutSchema = z.union([
  z.number().int().positive(),
  z
    .string()
    .refine((text) => parseClockDuration(text) !== undefined, {
      message: 'expected a duration such as "30s", "10m" or "1h30m"',
    })
    .transform((text) => parseClockDuration(text)!),
]);
