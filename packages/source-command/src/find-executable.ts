import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { delimiter, isAbsolute, join } from "node:path";

/**
 * The first of `names` found on the PATH, as a full path, or undefined. Looked up before spawning
 * so a missing client is reported as such, with the package to install, not as a bare ENOENT.
 */
export async function findExecutable(
  names: readonly string[],
  path: string | undefined = process.env.PATH,
): Promise<string | undefined> {
  const dirs = (path ?? "").split(delimiter).filter(Boolean);
  const suffixes = process.platform === "win32" ? [".exe", ".cmd", ""] : [""];
  for (const name of names) {
    if (isAbsolute(name)) {
      if (await isExecutable(name)) return name;
      continue;
    }
    for (const dir of dirs) {
      for (const suffix of suffixes) {
        const candidate = join(dir, name + suffix);
        if (await isExecutable(candidate)) return candidate;
      }
    }
  }
  return undefined;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, process.platform === "win32" ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
