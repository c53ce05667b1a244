import which from "which";

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
