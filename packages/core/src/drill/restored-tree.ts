import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { lstat, readFile, readlink } from "node:fs/promises";
import type { Readable } from "node:stream";
import { differences, type ProblemList } from "../entry-index/differences.js";
import { type IndexLine, readIndex, secondsOf } from "../entry-index/format.js";
import { safeTargetPath } from "../pipeline/safe-path.js";

const SMALL_FILE = 256 * 1024;

/**
 * Compares what a restore wrote under `dir` with the backup's index, entry by entry, reading
 * each restored file back from the disk: its type, size, SHA-256, mode and mtime. `wanted` says
 * which index entries the restore was asked for (all, or a drill's sample). Returns how many
 * entries were found on disk and compared; what differs goes to `problems`.
 */
export async function checkRestoredTree(
  dir: string,
  index: Readable,
  wanted: (line: IndexLine) => boolean,
  where: string,
  problems: ProblemList,
): Promise<number> {
  let checked = 0;
  // Files are read back a few at once, ahead of the one being compared, and compared in the
  // index's order: one at a time, a drill of 100,000 files mostly waited on the thread pool.
  const ahead: { line: IndexLine; found: Promise<Outcome> }[] = [];
  const compareFirst = async () => {
    const { line, found } = ahead.shift()!;
    const outcome = await found;
    if ("error" in outcome) throw outcome.error;
    if (!outcome.line) {
      problems.add(`${JSON.stringify(line.path)} is in the backup's index but was not restored`);
      return;
    }
    checked++;
    for (const problem of differences(line, outcome.line, "as restored")) problems.add(problem);
  };
  for await (const line of readIndex(index, where)) {
    if (!wanted(line)) continue;
    // Settled at once into a value, so a failure waiting its turn is never an unhandled rejection.
    const found = onDisk(safeTargetPath(dir, line.path), line.path).then(
      (read) => ({ line: read }),
      (error: unknown) => ({ error }),
    );
    ahead.push({ line, found });
    if (ahead.length >= READ_AHEAD) await compareFirst();
  }
  while (ahead.length > 0) await compareFirst();
  return checked;
}

/** Restored entries read back at once. */
const READ_AHEAD = 16;

type Outcome = { line: IndexLine | undefined } | { error: unknown };

async function onDisk(full: string, path: string): Promise<IndexLine | undefined> {
  const stat = await lstat(full).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (!stat) return undefined;
  const type = stat.isDirectory() ? "directory" : stat.isSymbolicLink() ? "symlink" : "file";
  const line: IndexLine = { path, type, size: 0, mode: stat.mode & 0o7777, mtime: secondsOf(stat.mtime) };
  if (type === "symlink") line.target = await readlink(full);
  if (type === "file" && stat.size <= SMALL_FILE) {
    // Small files at once: a stream per file costs more than the reading (100,000 of them).
    const content = await readFile(full);
    line.size = content.length;
    line.sha256 = createHash("sha256").update(content).digest("hex");
  } else if (type === "file") {
    const hash = createHash("sha256");
    for await (const chunk of createReadStream(full) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      line.size += chunk.length;
    }
    line.sha256 = hash.digest("hex");
  }
  return line;
}
