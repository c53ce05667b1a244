import { resolve } from "node:path";
import which from "which";
import { expandHome } from "../config/secrets.js";
import { CairnError } from "../errors.js";

/**
 * The first of `names` found on the PATH (with PATHEXT on Windows), as a full path, or undefined.
 * Looked up before spawning so a missing client is reported as such, with the package to install,
 * not as a bare ENOENT. A name with a slash is checked as it is.
 */
export async function findExecutable(
  names: readonly string[],
  path: string | undefined = process.env.PATH,
): Promise<string | undefined> {
  for (const name of names) {
    const found = await which(name, { nothrow: true, path: path ?? "" });
    if (found) return found;
  }
  return undefined;
}

/**
 * The program a source runs: `binary` when the user named one (relative to the config's folder,
 * `~` for home), else the first of `names` on the PATH. A missing one is SOURCE_UNREADABLE,
 * naming it, with `installHint` saying which package brings it.
 */
export async function requireProgram(
  names: readonly string[],
  binary: string | undefined,
  baseDir: string,
  installHint: string,
): Promise<string> {
  const found = await findExecutable(binary ? [resolve(baseDir, expandHome(binary))] : names);
  if (found) return found;
  throw new CairnError("SOURCE_UNREADABLE", `${binary ?? names.join(" or ")} was not found on the PATH`, {
    hint: installHint,
  });
}
