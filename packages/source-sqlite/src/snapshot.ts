import { backup, DatabaseSync } from "node:sqlite";
import { CairnError } from "@cairn/core";

/** One step copies every page: a snapshot of one moment, while WAL writers go on unblocked. */
const ALL_PAGES = 2 ** 31 - 1;
/** How long to wait for a writer that holds a lock SQLite needs (a checkpoint, a rollback-journal write). */
const BUSY_TIMEOUT_MS = 30_000;

/**
 * Copies `source` to `target` through SQLite's online backup API. Copying in small steps would
 * restart from the start each time another process writes, and never finish on a busy database;
 * in one step the copy reads one consistent version, as a long read transaction does.
 */
export async function snapshotDatabase(source: string, target: string): Promise<void> {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(source, { readOnly: true, timeout: BUSY_TIMEOUT_MS });
  } catch (cause) {
    throw new CairnError(
      "SOURCE_UNREADABLE",
      `cannot open SQLite database ${source}: ${(cause as Error).message}`,
      {
        cause,
        hint: "check that the file is an SQLite database and that cairn may read it and its folder",
      },
    );
  }
  try {
    await backup(db, target, { rate: ALL_PAGES });
  } catch (cause) {
    throw new CairnError(
      "SOURCE_UNREADABLE",
      `could not snapshot SQLite database ${source}: ${(cause as Error).message}`,
      {
        cause,
        retryable: /busy|locked/i.test((cause as Error).message),
        hint: "a database locked for longer than 30 s by a writer fails the snapshot; run the backup again later",
      },
    );
  } finally {
    db.close();
  }
}

/** Runs `PRAGMA integrity_check` on the snapshot; anything but "ok" keeps it from being shipped. */
export function checkIntegrity(snapshot: string, original: string): void {
  const problems = integrityProblems(snapshot);
  if (problems.length === 0) return;
  throw new CairnError(
    "SOURCE_UNREADABLE",
    `SQLite database ${original} fails its integrity check:\n${problems.join("\n")}`,
    { hint: "the database itself is damaged; repair it (sqlite3's .recover) before backing it up" },
  );
}

/** SQLite's own report on a database file (the first 10 lines of it); empty when it is intact. */
export function integrityProblems(file: string): string[] {
  const db = new DatabaseSync(file);
  try {
    const rows = db.prepare("PRAGMA integrity_check").all() as Record<string, unknown>[];
    const problems = rows.map((row) => String(Object.values(row)[0]));
    return problems.length === 1 && problems[0] === "ok" ? [] : problems.slice(0, 10);
  } finally {
    // Closing the last connection checkpoints and removes any -wal file: the snapshot is one file.
    db.close();
  }
}
