import { randomBytes } from "node:crypto";
import { parseKey } from "./naming.js";

/**
 * The longest plausible run. An archive this old without its manifest, or a partial file this
 * old, belongs to a run that was cut off, not to one still going: it may be removed.
 */
export const STALE_UPLOAD_AGE_MS = 24 * 60 * 60 * 1000;

const PARTIAL = /^\.(?<name>.+)\.[0-9a-f]{12}\.partial$/;

/**
 * The name a destination writes an upload of `name` under until it is complete: hidden, unique
 * to this upload (two runs never write into one file), and never listed as a backup.
 */
export function partialName(name: string): string {
  return `.${name}.${randomBytes(6).toString("hex")}.partial`;
}

/** Whether a file name is an upload in progress, made by partialName. */
export function isPartialName(name: string): boolean {
  return PARTIAL.test(name);
}

export interface FolderFile {
  /** The file's name inside the folder. */
  name: string;
  modified: Date;
}

/**
 * The files of one folder that uploads of killed runs left behind: partial files of cairn's own
 * backup names (`parseKey`) older than STALE_UPLOAD_AGE_MS. Never a user's file, never one that
 * a run still going may be writing. `folderKey` is the folder's key, such as `db`.
 */
export function stalePartials(folderKey: string, files: Iterable<FolderFile>, now = Date.now()): string[] {
  const stale: string[] = [];
  for (const file of files) {
    const name = PARTIAL.exec(file.name)?.groups?.name;
    if (name === undefined || !parseKey(`${folderKey}/${name}`)) continue;
    if (now - file.modified.getTime() > STALE_UPLOAD_AGE_MS) stale.push(file.name);
  }
  return stale;
}
