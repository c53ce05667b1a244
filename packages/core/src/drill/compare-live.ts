import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { lstat, opendir, readlink, rm } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { Readable } from "node:stream";
import type { RunContext } from "../contracts/context.js";
import type { Source, SourceEntry } from "../contracts/source.js";
import { ProblemList } from "../entry-index/differences.js";
import { safeTargetPath } from "../pipeline/safe-path.js";

/** What changed in the live source since the backup a drill restored. */
export interface LiveComparison {
  /** Files and links (folders are not counted) that are as they were. */
  unchanged: number;
  changed: number;
  /** In the live source, not in the backup; not counted for a sample, which restores a few files only. */
  added: number;
  removed: number;
  /** The first few changes, each a sentence that names the entry. */
  examples: string[];
}

/**
 * Compares the restored files under `dir` with the source as it is now, file by file (content
 * by SHA-256 where the sizes agree). Each restored file is deleted once it is compared, so what
 * is left afterwards is what the live source no longer has: no list of names is held in memory.
 * Must run last: it empties the sandbox.
 */
export async function compareWithLive(
  source: Source,
  dir: string,
  sampled: boolean,
  ctx: RunContext,
): Promise<LiveComparison> {
  const notes = new ProblemList();
  const result: LiveComparison = { unchanged: 0, changed: 0, added: 0, removed: 0, examples: [] };
  try {
    await source.prepare?.(ctx);
    for await (const live of source.entries(ctx)) {
      ctx.signal.throwIfAborted();
      const full = safeTargetPath(dir, live.path);
      const restored = await lstat(full).catch(() => undefined);
      const name = JSON.stringify(live.path);
      if (!restored) {
        if (!sampled) {
          result.added++;
          notes.add(`${name} is new since the backup`);
        }
        continue;
      }
      const change = await difference(live, full, restored);
      if (change) {
        result.changed++;
        notes.add(`${name} ${change}`);
      } else if (live.type !== "directory") {
        result.unchanged++;
      }
      // Compared: gone from the sandbox, so that what remains is what the live source lacks.
      if (live.type !== "directory" || change) await rm(full, { recursive: true, force: true });
    }
  } finally {
    await source.cleanup?.(ctx);
  }
  for await (const left of await opendir(dir, { recursive: true })) {
    if (left.isDirectory()) continue;
    result.removed++;
    const path = relative(dir, join(left.parentPath, left.name)).split(sep).join("/");
    notes.add(`${JSON.stringify(path)} was removed since the backup`);
  }
  result.examples = notes.shown;
  return result;
}

async function difference(
  live: SourceEntry,
  full: string,
  restored: Awaited<ReturnType<typeof lstat>>,
): Promise<string | undefined> {
  const type = restored.isDirectory() ? "directory" : restored.isSymbolicLink() ? "symlink" : "file";
  if (type !== live.type) return `is a ${live.type} now, a ${type} in the backup`;
  if (type === "symlink") {
    const target = await readlink(full);
    return target === live.linkTarget ? undefined : `points to ${JSON.stringify(live.linkTarget)} now`;
  }
  // A folder's own mtime moves with every change inside it; its entries report those.
  if (type === "directory") return undefined;
  if (live.size !== undefined && live.size !== Number(restored.size)) {
    return `has ${live.size} bytes now, ${restored.size} in the backup`;
  }
  const [now, then] = await Promise.all([hashOf(liveContent(live)), hashOf(createReadStream(full))]);
  if (now !== then) return "has different content now";
  if (Math.floor(live.mtime.getTime() / 1000) !== Math.floor(Number(restored.mtimeMs) / 1000)) {
    return "has the same content but a new modification time";
  }
  return undefined;
}

function liveContent(entry: SourceEntry): Readable | Promise<Buffer> {
  if (entry.open) return entry.open();
  if (entry.read) return entry.read();
  throw new Error(`the source gave no content for ${entry.path}`);
}

async function hashOf(content: Readable | Promise<Buffer>): Promise<string> {
  const hash = createHash("sha256");
  if (content instanceof Promise) return hash.update(await content).digest("hex");
  for await (const chunk of content as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest("hex");
}
