import { CairnError, toDestinationError } from "@cairn/core";

/** What the file system's errno means in words; core gives the code. */
const REASONS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "the file system is read-only",
  ENOSPC: "the disk is full",
  EDQUOT: "the user's disk quota is used up",
};

/** Maps a file-system error at the destination folder to cairn's codes, with the fix. */
export function localError(error: unknown, what: string, root: string): CairnError {
  if (CairnError.is(error)) return error;
  const code = (error as NodeJS.ErrnoException).code ?? "";
  const message = `cannot ${what} in ${root}: ${REASONS[code] ?? (error as Error).message}`;
  // Only here does "no such file" mean the destination's own folder is wrong.
  if (code === "ENOENT" || code === "ENOTDIR") {
    return new CairnError("DESTINATION_NOT_FOUND", message, {
      cause: error,
      hint: "check the destination's path: every part of it must be a folder (or not exist yet)",
    });
  }
  return toDestinationError(error, message, {
    hints: {
      DESTINATION_PERMISSION:
        code === "EROFS"
          ? "remount it read-write, or point the destination's path at a writable disk"
          : `let the user running cairn write to ${root}, or point the destination's path elsewhere`,
    },
  });
}
