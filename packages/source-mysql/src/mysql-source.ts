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
import { type MysqlSourceOptions, mysqlSourceOptions } from "./mysql-options.js";
import { passwordOptionFile } from "./option-file.js";

const PROGRAMS = ["mariadb-dump", "mysqldump"];
const INSTALL_HINT =
  "install the MariaDB client tools (Debian/Ubuntu: apt-get install mariadb-client; macOS: brew install mariadb), or set the source's binary option";

/** A MariaDB or MySQL database (or all of them) as one SQL file, read in one consistent transaction. */
export const mysqlSource = defineSource({
  type: "mysql",
  apiVersion: PLUGIN_API_VERSION,
  options: mysqlSourceOptions,
  secrets: ["password"],
  create(options, ctx) {
    return createMysqlSource(options, ctx);
  },
});

export function createMysqlSource(
  options: MysqlSourceOptions,
  { baseDir = process.cwd(), sizesUpFront = true, secrets = new SecretSet() }: Partial<SourceContext> = {},
): Source {
  if (options.password) secrets.add(options.password);
  const redact = (text: string) => secrets.redact(text);
  const where = `${options.user ? `${options.user}@` : ""}${options.host ?? "localhost"}${options.port ? `:${options.port}` : ""}`;
  const what = options.all ? `all databases at ${where}` : `${where}/${options.database}`;
  const entryName =
    options.name ?? (options.all ? "all-databases.sql" : entryNameFrom(options.database!, ".sql"));
  const source = createSpooledSource({
    describe: () => `mysql ${what}`,
    entryName,
    tempDir: options.tempDir,
    baseDir,
    tempPrefix: "mysql",
    sizesUpFront,
    async command(dir) {
      const binary = await requireProgram(PROGRAMS, options.binary, baseDir, INSTALL_HINT);
      const args: string[] = [];
      if (options.password !== undefined) {
        const file = join(dir, "client.cnf");
        await writeFile(file, passwordOptionFile(options.password), { mode: 0o600 });
        // Must come first: the client tools only accept it as the first argument.
        args.push(`--defaults-extra-file=${file}`);
      }
      args.push(
        // One consistent snapshot of InnoDB tables without locking out writers.
        "--single-transaction",
        "--routines",
        "--triggers",
        ...(options.host ? [`--host=${options.host}`] : []),
        ...(options.port ? [`--port=${options.port}`] : []),
        ...(options.user ? [`--user=${options.user}`] : []),
        ...(options.args ?? []),
        // `--` ends the options: a database named like an option stays a name.
        ...(options.all ? ["--all-databases"] : ["--", options.database!]),
      );
      return {
        label: binary.split(/[\\/]/).pop() ?? "mysqldump",
        file: binary,
        args,
        redact,
        hint: `check the connection (${what}) with the mariadb or mysql client, and the user's privileges (SELECT, SHOW VIEW, TRIGGER, LOCK TABLES)`,
      };
    },
  });
  return {
    ...source,
    checkRestored: (restored) => checkRestoredDump(restored, entryName, options.args ?? []),
  };
}
