import { stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import {
  CairnError,
  createSpooledSource,
  defineSource,
  expandHome,
  PLUGIN_API_VERSION,
  type RestoredCheck,
  type RestoredFiles,
  restoredFile,
  type Source,
  type SourceContext,
} from "@cairn/core";
import { type SqliteSourceOptions, sqliteSourceOptions } from "./sqlite-options.js";

/** An SQLite database as one file: a consistent snapshot, checked before it is shipped. */
export const sqliteSource = defineSource({
  type: "sqlite",
  apiVersion: PLUGIN_API_VERSION,
  options: sqliteSourceOptions,
  create(options, ctx) {
    return createSqliteSource(options, ctx);
  },
});

export function createSqliteSource(
  options: SqliteSourceOptions,
  { baseDir = process.cwd() }: Partial<SourceContext> = {},
): Source {
  const path = resolve(baseDir, expandHome(options.path));
  const entryName = options.name ?? basename(path);
  const source = createSpooledSource({
    describe: () => `sqlite ${path}`,
    entryName,
    tempDir: options.tempDir,
    baseDir,
    tempPrefix: "sqlite",
    async produce(to) {
      const original = await stat(path).catch((cause: NodeJS.ErrnoException) => {
        if (cause.code === "ENOENT") {
          throw new CairnError("SOURCE_NOT_FOUND", `SQLite database ${path} does not exist`, {
            cause,
            hint: "check the job's source.path (relative paths are relative to the config file)",
          });
        }
        throw new CairnError("SOURCE_UNREADABLE", `cannot read SQLite database ${path}: ${cause.code}`, {
          cause,
        });
      });
      if (!original.isFile()) {
        throw new CairnError("SOURCE_UNREADABLE", `${path} is not a file, so not an SQLite database`, {
          hint: "source.path names the database file itself (the path source takes folders)",
        });
      }
      // node:sqlite loads only for a job that snapshots a database: on Node 22 and 23 loading it
      // prints an ExperimentalWarning, which every other command would show too.
      const { checkIntegrity, snapshotDatabase } = await import("./snapshot.js");
      await snapshotDatabase(path, to);
      checkIntegrity(to, path);
      return { mtime: original.mtime, mode: original.mode & 0o7777 };
    },
  });
  return { ...source, checkRestored: (restored) => checkRestoredDatabase(restored, entryName) };
}

/** A drill's check: the restored database opens and passes SQLite's own integrity check. */
async function checkRestoredDatabase(restored: RestoredFiles, entryName: string): Promise<RestoredCheck[]> {
  const file = await restoredFile(restored, entryName);
  if (!file) return [];
  const check = "PRAGMA integrity_check";
  const { integrityProblems } = await import("./snapshot.js");
  try {
    const problems = integrityProblems(file);
    if (problems.length === 0) return [{ path: entryName, check, status: "ok" }];
    // One line: SQLite puts "*** in database main ***" on a line of its own.
    const detail = problems.join("; ").replace(/\s*\n\s*/g, " ");
    return [{ path: entryName, check, status: "failed", detail }];
  } catch (error) {
    // Not a database at all ("file is not a database"): SQLite's words are the report.
    return [{ path: entryName, check, status: "failed", detail: (error as Error).message }];
  }
}
