import { lstat } from "node:fs/promises";
import { dirname, resolve, sep } from "node:path";
import { CairnError } from "../errors.js";

/**
 * Where an archive entry may be written under `root`, or a RESTORE_UNSAFE error: absolute paths,
 * drive letters, `..` and NUL are refused whatever the archive says.
 */
export function safeTargetPath(root: string, entryPath: string): string {
  const normalized = entryPath.replace(/\\/g, "/");
  const refuse = (why: string) =>
    new CairnError("RESTORE_UNSAFE", `refusing archive entry ${JSON.stringify(entryPath)}: ${why}`, {
      hint: "the archive was not made by cairn or has been tampered with; nothing outside the target was written",
    });
  if (normalized.includes("\0")) throw refuse("its name contains a NUL byte");
  if (normalized.startsWith("/") || /^[A-Za-z]:/.test(normalized)) throw refuse("it is an absolute path");
  const parts = normalized.split("/").filter((part) => part !== "" && part !== ".");
  if (parts.includes("..")) throw refuse("it climbs out of the target folder with '..'");
  if (parts.length === 0) throw refuse("it has no name");
  const full = resolve(root, ...parts);
  if (!full.startsWith(root.endsWith(sep) ? root : root + sep))
    throw refuse("it resolves outside the target folder");
  return full;
}

/**
 * Refuses to write through a symbolic link: an archive that first makes `a -> /etc` and then
 * writes `a/passwd` must not reach /etc. Folders already checked are remembered.
 */
export class ParentGuard {
  readonly #checked = new Set<string>();

  constructor(root: string) {
    this.#checked.add(root);
  }

  async check(full: string, entryPath: string): Promise<void> {
    const missing: string[] = [];
    for (let dir = dirname(full); !this.#checked.has(dir); dir = dirname(dir)) {
      missing.push(dir);
      if (dirname(dir) === dir) break;
    }
    for (const dir of missing.reverse()) {
      const stat = await lstat(dir).catch(() => undefined);
      if (stat === undefined) return; // not there yet: nothing below it can be a link
      if (!stat.isDirectory()) {
        throw new CairnError(
          "RESTORE_UNSAFE",
          `refusing archive entry ${JSON.stringify(entryPath)}: ${dir} is not a plain folder`,
          {
            hint: "an entry may not be written through a symbolic link",
          },
        );
      }
      this.#checked.add(dir);
    }
  }

  forget(full: string): void {
    this.#checked.delete(full);
  }
}
