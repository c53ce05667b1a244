import { entryNameSchema } from "@cairn/core";
import { z } from "zod";
import { timeoutSchema } from "./duration.js";

export const commandSourceOptions = z
  .object({
    command: z
      .union([z.string().min(1), z.array(z.string()).min(1)])
      .describe(
        "What to run. A string is a shell line (`docker exec db pg_dump -Fc app`); a list is the program and its arguments, run without a shell, so nothing in them needs quoting.",
      ),
    name: entryNameSchema.describe("The entry's name inside the archive, such as `app.dump` or `redis.rdb`."),
    shell: z
      .union([z.boolean(), z.string().min(1)])
      .optional()
      .describe(
        "Override how the command runs: `true` runs even a list through the shell, `false` runs a string without one (split on spaces), a path names the shell (`/bin/bash`).",
      ),
    env: z
      .record(z.string(), z.string())
      .optional()
      .describe("Added to cairn's own environment for the command. Values here are treated as secrets."),
    cwd: z.string().min(1).optional().describe("Working folder of the command; relative to the config file."),
    timeout: timeoutSchema
      .optional()
      .describe('The command is killed, and the backup fails, after this long ("30m", or milliseconds).'),
    tempDir: z
      .string()
      .min(1)
      .optional()
      .describe("Where the output is kept until it is archived (the system's temp folder by default)."),
  })
  .strict();

export type CommandSourceOptions = z.output<typeof commandSourceOptions>;
