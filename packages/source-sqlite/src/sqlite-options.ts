import { entryNameSchema } from "@cairn/core";
import { z } from "zod";

export const sqliteSourceOptions = z
  .object({
    path: z
      .string()
      .min(1)
      .describe("The database file; relative to the config file; `~` is the home folder."),
    name: entryNameSchema
      .optional()
      .describe("The entry's name inside the archive; the database file's own name by default."),
    tempDir: z
      .string()
      .min(1)
      .optional()
      .describe("Where the snapshot is kept until it is archived (the system's temp folder by default)."),
  })
  .strict();

export type SqliteSourceOptions = z.output<typeof sqliteSourceOptions>;
