import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  createSpooledSource,
  defineSource,
  entryNameFrom,
  PLUGIN_API_VERSION,
  requireProgram,
  SecretSet,
  type Source,
  type SourceContext,
} from "@cairn/core";
import { checkRestoredDump } from "./check-restored.js";
import { pgpassLine, resolveConnection } from "./connection.js";
import { type PostgresSourceOptions, postgresSourceOptions } from "./postgres-options.js";

const INSTALL_HINT =
  "install the PostgreSQL client tools (Debian/Ubuntu: apt-get install postgresql-client; macOS: brew install libpq, then put $(brew --prefix libpq)/bin on the PATH), or set the source's binary option";

/** A PostgreSQL database (pg_dump, custom format) or a whole cluster (pg_dumpall, plain SQL). */
export const postgresSource = defineSource({
  type: "postgres",
  apiVersion: PLUGIN_API_VERSION,
  options: postgresSourceOptions,
  secrets: ["password", "url"],
  create(options, ctx) {
    return createPostgresSource(options, ctx);
  },
});

export function createPostgresSource(
  options: PostgresSourceOptions,
  { baseDir = process.cwd(), sizesUpFront = true, secrets = new SecretSet() }: Partial<SourceContext> = {},
): Source {
  const connection = resolveConnection(options);
  const program = options.all ? "pg_dumpall" : "pg_dump";
  // The password may come out of the URL, percent-decoded: a value the config itself never held.
  for (const secret of [connection.password, options.url, options.password]) if (secret) secrets.add(secret);
  const redact = (text: string) => secrets.redact(text);
  const what = options.all ? `cluster at ${connection.display}` : connection.display;
  const entryName =
    options.name ?? (options.all ? "pg_dumpall.sql" : entryNameFrom(connection.database, ".dump"));
  const source = createSpooledSource({
    describe: () => `postgres ${redact(what)}`,
    entryName,
    tempDir: options.tempDir,
    baseDir,
    tempPrefix: "postgres",
    sizesUpFront,
    async command(dir) {
      const binary = await requireProgram([program], options.binary, baseDir, INSTALL_HINT);
      const env: NodeJS.ProcessEnv = { ...process.env };
      if (connection.password !== undefined) {
        // A private password file, not PGPASSWORD: the environment is inherited and shows in /proc.
        const passfile = join(dir, "pgpass");
        await writeFile(passfile, pgpassLine(connection.password), { mode: 0o600 });
        env.PGPASSFILE = passfile;
        delete env.PGPASSWORD;
      }
      const args = [
        // Never prompt: with no terminal a prompt would hang the backup.
        "--no-password",
        ...(options.all ? [] : ["--format=custom"]),
        ...connection.args,
        ...(options.all && options.database ? [`--database=${options.database}`] : []),
        ...(!options.all && options.database ? [`--dbname=${options.database}`] : []),
        ...(options.args ?? []),
      ];
      return {
        label: program,
        file: binary,
        args,
        env,
        redact,
        hint: `check the connection (${redact(connection.display)}) with psql, and that the user may read every table`,
      };
    },
  });
  return {
    ...source,
    checkRestored: (restored) =>
      checkRestoredDump(restored, entryName, { binary: options.binary, baseDir, installHint: INSTALL_HINT }),
  };
}
