import { checkKey } from "@cairn/core";

/** The Dropbox path of a key: `<root>/<key>`; core's checkKey refuses any key that could leave the root. */
export function dropboxPath(root: string, key: string): string {
  return `${root}/${checkKey(key)}`;
}

/** The key of a listed file, from its display path under the root; undefined outside it. */
export function keyOf(root: string, pathDisplay: string): string | undefined {
  const prefix = `${root.toLowerCase()}/`;
  return pathDisplay.toLowerCase().startsWith(prefix) ? pathDisplay.slice(prefix.length) : undefined;
}
