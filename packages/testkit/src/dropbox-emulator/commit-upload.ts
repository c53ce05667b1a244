import { createReadStream } from "node:fs";
import { open, rm } from "node:fs/promises";
import { type ApiError, badRequest, routeError } from "./api-error.js";
import { DropboxContentHasher } from "./content-hash.js";
import type { EmulatorState } from "./context.js";
import type { StoredFile } from "./file-store.js";
import { freeBytes } from "./metadata.js";

export interface CommitArg {
  path: string;
  mode: string;
  autorename: boolean;
  /** Conflict even with a file of identical contents (otherwise that write is a no-op). */
  strictConflict: boolean;
  clientModified: Date | undefined;
}

/** Reads CommitInfo (the `commit` of finish, or upload's own argument) with its defaults. */
export function readCommitInfo(arg: Record<string, unknown>): CommitArg {
  const mode = arg.mode;
  const tag =
    typeof mode === "string" ? mode : ((mode as { ".tag"?: string } | undefined)?.[".tag"] ?? "add");
  return {
    path: typeof arg.path === "string" ? arg.path : "",
    mode: tag,
    autorename: arg.autorename === true,
    strictConflict: arg.strict_conflict === true,
    clientModified: typeof arg.client_modified === "string" ? new Date(arg.client_modified) : undefined,
  };
}

/** The content hash of a file on disk, or of the bytes from `start` to its end. */
export async function contentHashOfFile(path: string, start = 0): Promise<string> {
  const hasher = new DropboxContentHasher();
  for await (const chunk of createReadStream(path, { start, highWaterMark: 1024 * 1024 })) {
    hasher.update(chunk as Buffer);
  }
  return hasher.digest();
}

/**
 * Saves a received blob at the commit path, or explains why not with a WriteError. `wrap`
 * puts the WriteError where the route's error union has it (upload: UploadWriteFailed.reason,
 * finish: the `path` field).
 */
export async function commitBlob(
  state: EmulatorState,
  blob: string,
  size: number,
  commit: CommitArg,
  wrap: (writeError: Record<string, unknown>) => ApiError,
  corrupt = false,
): Promise<StoredFile> {
  const fail = async (writeError: Record<string, unknown>): Promise<never> => {
    await rm(blob, { force: true });
    throw wrap(writeError);
  };
  const parts = commit.path.split("/").slice(1);
  if (!commit.path.startsWith("/") || parts.some((p) => p === "" || p === "." || p === "..")) {
    return fail({ ".tag": "malformed_path" });
  }
  if (corrupt && size > 0) await flipFirstByte(blob);
  const contentHash = await contentHashOfFile(blob);
  const conflict = state.store.conflictAt(commit.path);
  if (conflict === "file" && commit.mode === "overwrite") {
    // Replaced below; its space is given back first.
  } else if (conflict) {
    const existing = state.store.get(commit.path);
    // Dropbox: writing identical contents over a file is no conflict and writes nothing.
    const identical =
      existing?.kind === "file" && existing.contentHash === contentHash && existing.size === size;
    if (identical && !commit.strictConflict && existing?.kind === "file") {
      await rm(blob, { force: true });
      return existing;
    }
    if (commit.autorename) {
      await rm(blob, { force: true });
      throw badRequest("the Dropbox emulator does not implement autorename");
    }
    return fail({ ".tag": "conflict", conflict: { ".tag": conflict } });
  }
  const replaced = state.store.get(commit.path);
  const reclaim = replaced?.kind === "file" ? replaced.size : 0;
  if (size > freeBytes(state) + reclaim) return fail({ ".tag": "insufficient_space" });
  if (replaced) await state.store.remove(commit.path);
  return state.store.commit(commit.path, blob, { size, contentHash, clientModified: commit.clientModified });
}

export function checkCallHash(expected: unknown, actual: string): void {
  if (typeof expected === "string" && expected !== actual) {
    throw routeError({ ".tag": "content_hash_mismatch" });
  }
}

async function flipFirstByte(blob: string): Promise<void> {
  const handle = await open(blob, "r+");
  try {
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, 0);
    byte[0] = (byte[0] ?? 0) ^ 0xff;
    await handle.write(byte, 0, 1, 0);
  } finally {
    await handle.close();
  }
}
