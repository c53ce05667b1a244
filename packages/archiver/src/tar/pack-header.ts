import type { SourceEntry } from "@cairn/core";
import type { Header } from "tar-stream";

/** What pack.entry() takes; tar-stream writes a pax record for every key of `pax`. */
export type PackHeader = Partial<Header> & Pick<Header, "name">;

// tar-stream puts the mtime through a 32-bit integer, so the ustar field holds 1970..2038;
// a pax record carries any other time, which GNU tar, bsdtar and tar-stream read back.
const LAST_USTAR_SECOND = 2 ** 31 - 1;

// tar-stream takes a mode of 0 for "not given" and writes 0644 (0755 for a folder) instead, which
// would restore a file its owner locked (chmod 000) readable to all. A bit above the permission
// bits is not 0 and is masked off when the field is written, so the field says 0000.
const NO_PERMISSIONS = 0o100000;

/**
 * The header of one entry for tar-stream's pack(). Names and link targets too long or not ASCII
 * for ustar go into a pax header (tar-stream's own choice); sizes of 8 GiB and more take the
 * base-256 size field that GNU tar and bsdtar read. Owners are not kept: restore does not set them.
 */
export function packHeader(entry: SourceEntry, size: number): PackHeader {
  const header: PackHeader = {
    // A trailing slash is how tar readers that ignore the type flag still see a folder.
    name: entry.type === "directory" ? `${entry.path.replace(/\/+$/, "")}/` : entry.path,
    type: entry.type,
    size,
    mode: entry.mode & 0o7777 || NO_PERMISSIONS,
    mtime: entry.mtime,
    uid: 0,
    gid: 0,
  };
  if (entry.type === "symlink") header.linkname = entry.linkTarget ?? "";
  const seconds = Math.floor(entry.mtime.getTime() / 1000);
  if (seconds < 0 || seconds > LAST_USTAR_SECOND) {
    header.mtime = new Date(Math.min(Math.max(seconds, 0), LAST_USTAR_SECOND) * 1000);
    header.pax = { mtime: String(seconds) };
  }
  return header;
}
