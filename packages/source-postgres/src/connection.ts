import type { PostgresSourceOptions } from "./postgres-options.js";

/** Where to connect, without the password, and the password on its own. */
export interface PostgresConnection {
  /** Connection arguments for pg_dump / pg_dumpall: never a password. */
  args: string[];
  password: string | undefined;
  /** For logs and the manifest. */
  display: string;
  /** The database dumped (for the default entry name). */
  database: string;
}

export function resolveConnection(options: PostgresSourceOptions, env = process.env): PostgresConnection {
  if (options.url !== undefined) {
    const url = new URL(options.url);
    let password = url.password ? decodeURIComponent(url.password) : undefined;
    url.password = "";
    // libpq also reads a password from the query string; it is a secret there too.
    if (url.searchParams.has("password")) {
      password ??= url.searchParams.get("password") ?? undefined;
      url.searchParams.delete("password");
    }
    const database = decodeURIComponent(url.pathname.replace(/^\//, "")) || url.username || "postgres";
    return {
      args: [`--dbname=${url.toString()}`],
      password: options.password ?? password,
      display: url.toString(),
      database,
    };
  }
  const args: string[] = [];
  if (options.host) args.push(`--host=${options.host}`);
  if (options.port) args.push(`--port=${options.port}`);
  if (options.user) args.push(`--username=${options.user}`);
  const user = options.user ?? env.PGUSER;
  const host = options.host ?? env.PGHOST ?? "localhost";
  const port = options.port ?? env.PGPORT ?? 5432;
  const database = options.database ?? env.PGDATABASE ?? user ?? "postgres";
  return {
    args,
    password: options.password,
    display: `postgresql://${user ? `${user}@` : ""}${host}:${port}/${database}`,
    database,
  };
}

/** A .pgpass line that matches any server: `:` and `\` are escaped, as libpq expects. */
export function pgpassLine(password: string): string {
  return `*:*:*:*:${password.replace(/[\\:]/g, (c) => `\\${c}`)}\n`;
}
