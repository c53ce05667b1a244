import { entryNameSchema } from "@cairn/core";
import { z } from "zod";

const isPostgresUrl = (text: string) => {
  try {
    return ["postgres:", "postgresql:"].includes(new URL(text).protocol);
  } catch {
    return false;
  }
};

export const postgresSourceOptions = z
  .object({
    url: z
      .string()
      .refine(isPostgresUrl, { message: 'expected a URL such as "postgresql://user@host:5432/db"' })
      .optional()
      .describe(
        "A connection URL, `postgresql://user@host:5432/db?sslmode=require`. Its password, if any, is taken out and handed to pg_dump through a private password file, never its command line.",
      ),
    host: z
      .string()
      .min(1)
      .optional()
      .describe("The server (without `url`); PGHOST, then libpq's default, when absent."),
    port: z.number().int().min(1).max(65535).optional().describe("PGPORT, then 5432, when absent."),
    user: z.string().min(1).optional().describe("PGUSER, then the login name, when absent."),
    database: z
      .string()
      .min(1)
      .optional()
      .describe("The database to dump; with `all`, the one pg_dumpall connects to first."),
    password: z.string().optional().describe("Overrides any password in `url` or PGPASSWORD."),
    all: z
      .boolean()
      .optional()
      .describe("The whole cluster (every database, roles, tablespaces) with pg_dumpall, as plain SQL."),
    name: entryNameSchema
      .optional()
      .describe("The entry's name inside the archive: `<database>.dump`, or `pg_dumpall.sql` with `all`."),
    args: z
      .array(z.string())
      .optional()
      .describe('More arguments for pg_dump / pg_dumpall, such as `["--exclude-table=logs"]`.'),
    binary: z
      .string()
      .min(1)
      .optional()
      .describe("The pg_dump or pg_dumpall program, where the one on the PATH is older than the server."),
    tempDir: z
      .string()
      .min(1)
      .optional()
      .describe("Where the dump is kept until it is archived (the system's temp folder by default)."),
  })
  .strict()
  .refine((o) => o.url === undefined || (o.host ?? o.port ?? o.user ?? o.database) === undefined, {
    message: "give either url or host/port/user/database, not both",
  });

export type PostgresSourceOptions = z.output<typeof postgresSourceOptions>;
