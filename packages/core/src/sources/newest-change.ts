import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";

/** The latest mtime of a file, or of a folder and everything in it: when it last changed at all. */
export async function newestChange(path: string): Promise<Date> {
  const stat = await lstat(path);
  let newest = stat.mtimeMs;
  if (stat.isDirectory()) {
    const stack = [path];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const full = join(dir, entry.name);
        const child = await lstat(full);
        newest = Math.max(newest, child.mtimeMs);
        if (child.isDirectory()) stack.push(full);
      }
    }
  }
  return new Date(newest);
}
