import { CairnError } from "@cairn/core";

/** Maps a file-system error at the destination folder to cairn's codes, with the fix. */
export function localError(error: unknown, what: string, root: string): CairnError {
  if (CairnError.is(error)) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const message = (error as Error).message;
  switch (code) {
    case "EACCES":
    case "EPERM":
      return new CairnError("DESTINATION_PERMISSION", `cannot ${what} in ${root}: permission denied`, {
        cause: error,
        hint: `let the user running cairn write to ${root}, or point the destination's path elsewhere`,
      });
    case "EROFS":
      return new CairnError(
        "DESTINATION_PERMISSION",
        `cannot ${what} in ${root}: the file system is read-only`,
        {
          cause: error,
          hint: "remount it read-write, or point the destination's path at a writable disk",
        },
      );
    case "ENOSPC":
    case "EDQUOT":
      return new CairnError("DESTINATION_QUOTA", `cannot ${what} in ${root}: the disk is full`, {
        cause: error,
        hint: "free space there, or lower the job's retention (maxCount, maxTotalSize, minFreeSpace)",
      });
    case "ENOTDIR":
    case "ENOENT":
      return new CairnError("DESTINATION_NOT_FOUND", `cannot ${what} in ${root}: ${message}`, {
        cause: error,
        hint: "check the destination's path: every part of it must be a folder (or not exist yet)",
      });
    default:
      return new CairnError("DESTINATION_IO", `cannot ${what} in ${root}: ${message}`, {
        cause: error,
        retryable: true,
      });
  }
}
