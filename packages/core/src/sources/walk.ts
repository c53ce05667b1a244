import { close, createReadStream, open, read, type Stats } from "node:fs";
import { lstat, readdir, readFile, readlink } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import type { SourceEntry } from "../contracts/source.js";
import { CairnError } from "../errors.js";

export interface WalkFilter {
  /** Whether a path (POSIX, relative to the walk root's parent) is left out. */
  excluded(relative: string, isDirectory: boolean): boolean;
  /** Whether a file or link is taken; directories are always walked. */
  included(relative: string): boolean;
  /** True when include patterns exist, so folders appear only around what they hold. */
  selective: boolean;
}

/**
 * Walks a folder depth-first in name order (so archives of the same tree come out the same),
 * one directory listing at a time. Links are stored as links, never followed.
 */
export async function* walk(
  rootPath: string,
  rootName: string,
  filter: WalkFilter,
): AsyncGenerator<SourceEntry> {
  const rootStat = await statOrFail(rootPath, rootName);
  yield toEntry(rootPath, rootName, rootStat, await linkTarget(rootPath, rootStat));
  if (!rootStat.isDirectory()) return;

  const stack: Folder[] = [
    { dir: rootPath, rel: rootName, node: { entry: undefined, parent: undefined, emitted: true } },
  ];
  while (stack.length > 0) {
    const { dir, rel, node } = stack.pop()!;
    const names = await listDir(dir, rel);
    const children: Folder[] = [];
    const stats = statsAhead(dir, rel, names);
    for (const name of names) {
      const full = join(dir, name);
      const childRel = `${rel}/${name}`;
      const stat = await stats.next();
      if (filter.excluded(childRel, stat.isDirectory())) continue;
      if (stat.isDirectory()) {
        const entry = toEntry(full, childRel, stat, undefined);
        // A selective walk shows a folder only once something inside it is taken.
        const child: FolderNode = { entry, parent: node, emitted: !filter.selective };
        if (child.emitted) yield entry;
        children.push({ dir: full, rel: childRel, node: child });
        continue;
      }
      if (!stat.isFile() && !stat.isSymbolicLink()) continue; // sockets, fifos, devices: not data
      if (!filter.included(childRel)) continue;
      yield* unemittedAncestors(node);
      yield toEntry(full, childRel, stat, await linkTarget(full, stat));
    }
    // Reversed so that the first name is walked first.
    stack.push(...children.reverse());
  }
}

interface FolderNode {
  entry: SourceEntry | undefined;
  parent: FolderNode | undefined;
  emitted: boolean;
}

interface Folder {
  dir: string;
  rel: string;
  node: FolderNode;
}

function unemittedAncestors(node: FolderNode): SourceEntry[] {
  const chain: SourceEntry[] = [];
  for (let n: FolderNode | undefined = node; n && !n.emitted; n = n.parent) {
    n.emitted = true;
    if (n.entry) chain.push(n.entry);
  }
  return chain.reverse();
}

async function listDir(dir: string, rel: string): Promise<string[]> {
  try {
    const names = await readdir(dir);
    return names.sort();
  } catch (cause) {
    throw unreadable(rel, cause);
  }
}

/** How many lstat calls of a folder's names are under way at once. */
const STAT_AHEAD = 32;

/**
 * The lstat of each name in turn, with the next ones already asked for. One at a time, every lstat
 * waited its turn on libuv's thread pool behind the archiver's deflates and reads: on 100,000
 * small files the walk was a chain of 100,000 such waits, the main thread idle for much of it.
 */
function statsAhead(dir: string, rel: string, names: string[]): { next(): Promise<Stats> } {
  const pending: Promise<Stats>[] = [];
  let started = 0;
  let taken = 0;
  const start = () => {
    const name = names[started++]!;
    const stat = statOrFail(join(dir, name), `${rel}/${name}`);
    // A failure is heard when its name's turn comes (or never, if the walk stops before).
    stat.catch(() => {});
    pending.push(stat);
  };
  return {
    next() {
      while (started < names.length && started < taken + STAT_AHEAD) start();
      taken++;
      return pending.shift()!;
    },
  };
}

async function statOrFail(full: string, rel: string): Promise<Stats> {
  try {
    return await lstat(full);
  } catch (cause) {
    throw unreadable(rel, cause);
  }
}

async function linkTarget(full: string, stat: Stats): Promise<string | undefined> {
  return stat.isSymbolicLink() ? readlink(full) : undefined;
}

function unreadable(rel: string, cause: unknown): CairnError {
  const code = (cause as NodeJS.ErrnoException).code;
  const why =
    code === "ENOENT" ? "it vanished while the backup ran" : code === "EACCES" ? "permission denied" : code;
  return new CairnError("SOURCE_UNREADABLE", `cannot read ${rel}: ${why}`, {
    cause,
    hint: "the backup was not taken; make the file readable for this user or exclude it",
  });
}

function toEntry(full: string, rel: string, stat: Stats, target: string | undefined): SourceEntry {
  const type = stat.isDirectory() ? "directory" : stat.isSymbolicLink() ? "symlink" : "file";
  const entry: SourceEntry = {
    path: rel,
    type,
    size: type === "file" ? stat.size : 0,
    mtime: stat.mtime,
    mode: stat.mode & 0o7777,
  };
  if (target !== undefined) entry.linkTarget = target;
  if (type === "file") {
    entry.open = (): Readable => createReadStream(full, { highWaterMark: 256 * 1024 });
    entry.read = () =>
      readKnownSize(full, stat.size).catch((cause: unknown) => {
        throw unreadable(rel, cause);
      });
  }
  return entry;
}

/**
 * A small file's content, read with the size lstat gave: open, one read, close, where readFile
 * adds an fstat and a FileHandle (each a trip through the thread pool, 100,000 times on a tree
 * of small files). A file that grew since is read again whole, so nothing is cut off.
 */
function readKnownSize(full: string, size: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    open(full, "r", (openError, fd) => {
      if (openError) return reject(openError);
      // One byte more than expected tells a file that grew from one that did not. Tiny files take a
      // slice of Node's shared pool: an allocation of their own each fragments malloc's arenas
      // over a million of them, as the zip writer's headers did.
      const buffer = size < 4095 ? Buffer.allocUnsafe(size + 1) : Buffer.allocUnsafeSlow(size + 1);
      const finish = (error: Error | null, bytes: number) => {
        // Closing a file opened for reading cannot lose anything; the content need not wait for it.
        close(fd, () => {});
        if (error) reject(error);
        else if (bytes > size) readFile(full).then(resolve, reject);
        else resolve(buffer.subarray(0, bytes));
      };
      const readFrom = (at: number) =>
        read(fd, buffer, at, buffer.length - at, at, (error, bytes) => {
          if (error || bytes === 0 || at + bytes === buffer.length) finish(error, at + bytes);
          else readFrom(at + bytes);
        });
      readFrom(0);
    });
  });
}
