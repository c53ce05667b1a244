import { createReadStream, type Stats } from "node:fs";
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
    for (const name of names) {
      const full = join(dir, name);
      const childRel = `${rel}/${name}`;
      const stat = await statOrFail(full, childRel);
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
      readFile(full).catch((cause: unknown) => {
        throw unreadable(rel, cause);
      });
  }
  return entry;
}
