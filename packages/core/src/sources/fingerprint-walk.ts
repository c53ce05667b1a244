import { createHash } from "node:crypto";
import type { SourceEntry } from "../contracts/source.js";

/**
 * The SHA-256 of what a walk yields, entry by entry, without opening a file: path, type, size,
 * mode, mtime (to the millisecond) and link target. It is hashed as the entries go by, so memory
 * does not grow with their number. `settings` (the root, the filters) go in first, so another
 * selection of the same tree never digests the same.
 */
export async function fingerprintWalk(
  entries: AsyncIterable<SourceEntry>,
  settings: unknown,
): Promise<string> {
  const hash = createHash("sha256");
  hash.update(`${JSON.stringify(settings)}\n`);
  for await (const entry of entries) {
    // One JSON array per line: a name holding a newline or a quote cannot run into the next entry.
    const line = [
      entry.path,
      entry.type,
      entry.size ?? null,
      entry.mode,
      entry.mtime.getTime(),
      entry.linkTarget ?? null,
    ];
    hash.update(`${JSON.stringify(line)}\n`);
  }
  return hash.digest("hex");
}
