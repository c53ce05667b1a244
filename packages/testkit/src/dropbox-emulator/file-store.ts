import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, readFile, rename, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";

export interface StoredFile {
  id: string;
  rev: string;
  pathDisplay: string;
  size: number;
  contentHash: string;
  clientModified: Date;
  serverModified: Date;
  /** Where the bytes live on disk: files are never held in memory. */
  blob: string;
}

export interface StoredFolder {
  id: string;
  pathDisplay: string;
}

export type StoredEntry = ({ kind: "file" } & StoredFile) | ({ kind: "folder" } & StoredFolder);

/** Dropbox paths are case-insensitive: entries are keyed by the lower-cased path. */
export function lowerPath(path: string): string {
  return path.toLowerCase();
}

export function parentOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash <= 0 ? "" : path.slice(0, slash);
}

export function nameOf(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** The account's namespace: a tree of folders and files, with the file bytes in a temp folder. */
export class FileStore {
  readonly entries = new Map<string, StoredEntry>();

  private constructor(readonly dir: string) {}

  static async create(): Promise<FileStore> {
    return new FileStore(await mkdtemp(join(tmpdir(), "cairn-dropbox-emulator-")));
  }

  /** A fresh file name in the store's folder, for an upload to write into. */
  newBlobPath(): string {
    return join(this.dir, randomBytes(12).toString("hex"));
  }

  get(path: string): StoredEntry | undefined {
    return this.entries.get(lowerPath(path));
  }

  usedBytes(): number {
    let used = 0;
    for (const entry of this.entries.values()) if (entry.kind === "file") used += entry.size;
    return used;
  }

  /** What is in the way of writing a file at `path`, as a WriteConflictError tag, if anything. */
  conflictAt(path: string): "file" | "folder" | "file_ancestor" | undefined {
    const existing = this.get(path);
    if (existing) return existing.kind;
    for (let parent = parentOf(path); parent !== ""; parent = parentOf(parent)) {
      if (this.get(parent)?.kind === "file") return "file_ancestor";
    }
    return undefined;
  }

  /** Moves a finished upload's blob into place under `path`, creating the parent folders. */
  async commit(
    path: string,
    blob: string,
    info: { size: number; contentHash: string; clientModified?: Date },
  ): Promise<StoredFile> {
    return this.place(path, await this.stage(blob), info);
  }

  /** Moves a received blob into the store's folder, not yet under any path. */
  async stage(blob: string): Promise<string> {
    const target = this.newBlobPath();
    await rename(blob, target);
    return target;
  }

  /**
   * Puts a staged blob under `path` with a new rev. Synchronous, so a caller that decides on a
   * conflict and then places, with nothing awaited between, does both as one step, as Dropbox does.
   */
  place(
    path: string,
    staged: string,
    info: { size: number; contentHash: string; clientModified?: Date },
  ): StoredFile {
    this.ensureFolders(parentOf(path));
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const file: StoredFile = {
      id: `id:${randomBytes(8).toString("base64url")}`,
      rev: randomBytes(9).toString("hex"),
      pathDisplay: path,
      size: info.size,
      contentHash: info.contentHash,
      clientModified: info.clientModified ?? now,
      serverModified: now,
      blob: staged,
    };
    this.entries.set(lowerPath(path), { kind: "file", ...file });
    return file;
  }

  ensureFolders(path: string): void {
    if (path === "") return;
    this.ensureFolders(parentOf(path));
    if (!this.get(path)) {
      this.entries.set(lowerPath(path), {
        kind: "folder",
        id: `id:${randomBytes(8).toString("base64url")}`,
        pathDisplay: path,
      });
    }
  }

  /** Removes an entry and, for a folder, everything below it. Returns what was removed. */
  async remove(path: string): Promise<StoredEntry | undefined> {
    const detached = this.detach(path);
    for (const blob of detached?.blobs ?? []) await rm(blob, { force: true });
    return detached?.entry;
  }

  /** remove() without touching the disk: synchronous, so a check before it holds. The blobs are the caller's to delete. */
  detach(path: string): { entry: StoredEntry; blobs: string[] } | undefined {
    const entry = this.get(path);
    if (!entry) return undefined;
    const lower = lowerPath(path);
    const blobs: string[] = [];
    for (const [key, value] of [...this.entries]) {
      if (key === lower || key.startsWith(`${lower}/`)) {
        this.entries.delete(key);
        if (value.kind === "file") blobs.push(value.blob);
      }
    }
    return { entry, blobs };
  }

  /** Entries below a folder ("" is the root), direct children only unless recursive; in path order. */
  listFolder(path: string, recursive: boolean): StoredEntry[] {
    const lower = lowerPath(path);
    const result: StoredEntry[] = [];
    for (const [key, entry] of this.entries) {
      if (!key.startsWith(`${lower}/`)) continue;
      if (!recursive && key.lastIndexOf("/") !== lower.length) continue;
      result.push(entry);
    }
    return result.sort((a, b) => (lowerPath(a.pathDisplay) < lowerPath(b.pathDisplay) ? -1 : 1));
  }

  open(file: StoredFile, start?: number, end?: number): Readable {
    return createReadStream(file.blob, start === undefined ? {} : { start, end });
  }

  async read(path: string): Promise<Buffer> {
    const entry = this.get(path);
    if (entry?.kind !== "file") throw new Error(`no file at ${path} in the Dropbox emulator`);
    return readFile(entry.blob);
  }

  async blobSize(blob: string): Promise<number> {
    return (await stat(blob)).size;
  }

  async destroy(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
