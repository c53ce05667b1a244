import { posix } from "node:path";
import { CairnError } from "@cairn/core";

/**
 * The remote path of `key` under the destination's folder. Keys come from core's naming,
 * but a plugin must not let a key like `../x` write outside the folder it was given.
 */
export function remotePath(root: string, key: string): string {
  const segments = key.split("/");
  if (
    key === "" ||
    key.startsWith("/") ||
    segments.some((s) => s === "" || s === "." || s === "..") ||
    key.includes("\0")
  ) {
    throw new CairnError(
      "DESTINATION_IO",
      `sftp: refusing the key ${JSON.stringify(key)}: it is not a relative path inside the destination`,
      {
        hint: "keys are relative POSIX paths without '.' or '..' segments",
      },
    );
  }
  return posix.join(root, key);
}

/** The folder option without a trailing slash ("/" stays "/"). */
export function normalizeRoot(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed === "" ? "/" : trimmed;
}
