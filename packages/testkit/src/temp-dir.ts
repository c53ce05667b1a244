import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A fresh folder under the system's temp folder, and a function that removes it with everything in it. */
export async function tempDir(
  prefix = "cairn-test-",
): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Runs `use` with a fresh temp folder and removes it afterwards, whatever happened. */
export async function withTempDir<T>(use: (path: string) => Promise<T>, prefix?: string): Promise<T> {
  const dir = await tempDir(prefix);
  try {
    return await use(dir.path);
  } finally {
    await dir.remove();
  }
}
