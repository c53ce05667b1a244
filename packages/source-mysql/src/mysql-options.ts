import { entryNameSchema } from "@cairn/core";
import { z } from "zod";

export const mysqlSourceOptions = z
  .object({
    host: z
      .string()
      .min(1)
      .optional()
      .describe("The server; `localhost` means the local socket to the client tools, `127.0.0.1` means TCP."),
    port: z.number().int().min(1).max(65535).optional().describe("3306 when absent."),
    user: z.string().min(1).optional().describe("The client's default (the login name) when absent."),
    password: z
      .string()
      .optional()
      .describe("Handed over in a private option file (--defaults-extra-file), never on the command line."),
    database: z
      .string()
      .min(1)
      .optional()
      .describe(
        "The database to dump, without CREATE DATABASE, so it restores into a database of any name. Give this or `all`.",
      ),
    all: z
      .boolean()
      .optional()
      .describe("Every database on the server (--all-databases). Give this or `database`."),
    name: entryNameSchema
      .optional()
      .describe("The entry's name inside the archive: `<database>.sql`, or `all-databases.sql` with `all`."),
    args: z
      .array(z.string())
      .optional()
      .describe('More arguments for the dump program, such as `["--no-tablespaces"]`.'),
    binary: z
      .string()
      .min(1)
      .optional()
      .describe("The dump program to run, instead of mariadb-dump or mysqldump from the PATH."),
    tempDir: z
      .string()
      .min(1)
      .optional()
      .describe("Where the dump is kept until it is archived (the system's temp folder by default)."),
  })
  .strict()
  .refine((o) => (o.database !== undefined) !== (o.all === true), {
    message: "give either database (one database) or all: true (every database)",
  });

export type MysqlSourceOptions = z.output<typeof mysqlSourceOptions>;
