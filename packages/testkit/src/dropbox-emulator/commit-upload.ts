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
  /** With mode `update`: the rev the file must still have. */
  rev: string | undefined;
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
    rev: tag === "update" ? String((mode as { update?: unknown }).update ?? "") : undefined,
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
  const staged = await state.store.stage(blob);
  // Nothing is awaited from the conflict check to the write: Dropbox does both as one step, so of
  // two racing `add` uploads to one path, or two `update`s of one rev, only one is written.
  const verdict = decide(state, commit, size, contentHash);
  if (verdict.kind === "error") {
    await rm(staged, { force: true });
    if (verdict.badRequest) throw badRequest(verdict.badRequest);
    throw wrap(verdict.writeError!);
  }
  if (verdict.kind === "unchanged") {
    await rm(staged, { force: true });
    return verdict.existing;
  }
  const detached = verdict.replace ? state.store.detach(commit.path) : undefined;
  const file = state.store.place(commit.path, staged, {
    size,
    contentHash,
    clientModified: commit.clientModified,
  });
  for (const old of detached?.blobs ?? []) await rm(old, { force: true });
  return file;
}

type Verdict =
  | { kind: "write"; replace: boolean }
  | { kind: "unchanged"; existing: StoredFile }
  | { kind: "error"; writeError?: Record<string, unknown>; badRequest?: string };

/** WriteMode's rules (add, overwrite, update rev), with strict_conflict. Synchronous on purpose. */
function decide(state: EmulatorState, commit: CommitArg, size: number, contentHash: string): Verdict {
  const conflictWith = (tag: string): Verdict => ({
    kind: "error",
    writeError: { ".tag": "conflict", conflict: { ".tag": tag } },
  });
  const conflict = state.store.conflictAt(commit.path);
  const existing = state.store.get(commit.path);
  const reclaim = existing?.kind === "file" ? existing.size : 0;
  const room = (replace: boolean): Verdict =>
    size > freeBytes(state) + (replace ? reclaim : 0)
      ? { kind: "error", writeError: { ".tag": "insufficient_space" } }
      : { kind: "write", replace };
  // strict_conflict: an update whose rev is not the file's is a conflict even when the file is gone.
  if (!conflict)
    return commit.mode === "update" && commit.strictConflict ? conflictWith("file") : room(false);
  if (conflict === "file" && commit.mode === "overwrite") return room(true);
  if (
    conflict === "file" &&
    commit.mode === "update" &&
    existing?.kind === "file" &&
    existing.rev === commit.rev
  ) {
    return room(true);
  }
  // Dropbox: writing identical contents over a file is no conflict and writes nothing.
  if (
    existing?.kind === "file" &&
    existing.contentHash === contentHash &&
    existing.size === size &&
    !commit.strictConflict
  ) {
    return { kind: "unchanged", existing };
  }
  if (commit.autorename)
    return { kind: "error", badRequest: "the Dropbox emulator does not implement autorename" };
  return conflictWith(conflict);
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
