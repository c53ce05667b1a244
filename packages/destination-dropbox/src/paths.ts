import { CairnError } from "@cairn/core";

/**
 * The Dropbox path of a key: `<root>/<key>`. Keys are cairn's own relative POSIX names;
 * one that could point outside the root is refused rather than rewritten.
 */
export function dropboxPath(root: string, key: string): string {
  const parts = key.split("/");
  if (key === "" || parts.some((p) => p === "" || p === "." || p === ".." || p.includes("\\"))) {
    throw new CairnError("USAGE", `"${key}" is not a valid key for the Dropbox destination`, {
      hint: 'keys are relative paths like "job/job-20261122T030000Z-k3f9.zip", without "." or ".." parts',
    });
  }
  return `${root}/${key}`;
}

/** The key of a listed file, from its display path under the root; undefined outside it. */
export function keyOf(root: string, pathDisplay: string): string | undefined {
  const prefix = `${root.toLowerCase()}/`;
  return pathDisplay.toLowerCase().startsWith(prefix) ? pathDisplay.slice(prefix.length) : undefined;
}
