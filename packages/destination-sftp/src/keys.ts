import { posix } from "node:path";
import { checkKey } from "@cairn/core";

/** The remote path of `key` under the destination's folder; core's checkKey refuses any way out of it. */
export function remotePath(root: string, key: string): string {
  return posix.join(root, checkKey(key));
}

/** The folder option without a trailing slash ("/" stays "/"). */
export function normalizeRoot(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed === "" ? "/" : trimmed;
}
