import { mkdir, stat } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * mkdir -p, one level at a time. Node's `mkdir(..., { recursive: true })` spins forever where a
 * file system answers ENOENT although the parent exists (/proc does); here each level is tried
 * at most twice, so such a path fails with ENOENT instead of hanging the backup.
 */
export async function ensureFolder(folder: string): Promise<void> {
  try {
    await mkdir(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") {
      if ((await stat(folder)).isDirectory()) return;
      throw Object.assign(new Error(`${folder} exists and is not a folder`), { code: "ENOTDIR" });
    }
    if (code !== "ENOENT" || dirname(folder) === folder) throw error;
    await ensureFolder(dirname(folder));
    await mkdir(folder).catch(async (again: NodeJS.ErrnoException) => {
      // Another upload may have made it in the meantime.
      if (again.code !== "EEXIST" || !(await stat(folder)).isDirectory()) throw again;
    });
  }
}
