// POSIX ustar headers with pax extended headers (POSIX.1-2001) for what ustar cannot hold: names
// and link targets over 100 bytes, sizes of 8 GiB and more, mtimes outside 1970..2242. GNU tar,
// bsdtar, 7-Zip and tar-stream all read them.

export const BLOCK = 512;
const MAX_OCTAL_11 = 0o77777777777;

export type TarType = "file" | "directory" | "symlink";

export interface TarHeaderFields {
  name: string;
  type: TarType;
  size: number;
  mode: number;
  mtime: Date;
  linkTarget?: string;
}

const TYPEFLAG: Record<TarType | "pax", string> = { file: "0", symlink: "2", directory: "5", pax: "x" };

/** The header block(s) for one entry: a pax header first where ustar is not enough. */
export function tarHeader(fields: TarHeaderFields): Buffer {
  const name = fields.type === "directory" ? `${fields.name.replace(/\/+$/, "")}/` : fields.name;
  const link = fields.linkTarget ?? "";
  const seconds = Math.floor(fields.mtime.getTime() / 1000);
  const pax: [string, string][] = [];
  if (Buffer.byteLength(name) > 100) pax.push(["path", name]);
  if (Buffer.byteLength(link) > 100) pax.push(["linkpath", link]);
  if (fields.size > MAX_OCTAL_11) pax.push(["size", String(fields.size)]);
  if (seconds < 0 || seconds > MAX_OCTAL_11) pax.push(["mtime", String(seconds)]);
  const main = ustar({
    name: truncateBytes(name, 100),
    typeflag: TYPEFLAG[fields.type],
    size: Math.min(fields.size, MAX_OCTAL_11),
    mode: fields.mode & 0o7777,
    mtime: Math.min(Math.max(seconds, 0), MAX_OCTAL_11),
    linkname: truncateBytes(link, 100),
  });
  if (pax.length === 0) return main;
  const records = Buffer.from(pax.map(([key, value]) => paxRecord(key, value)).join(""), "utf8");
  const paxHeader = ustar({
    name: truncateBytes(`PaxHeader/${name.replace(/\/+$/, "").split("/").pop()}`, 100),
    typeflag: TYPEFLAG.pax,
    size: records.length,
    mode: 0o644,
    mtime: Math.min(Math.max(seconds, 0), MAX_OCTAL_11),
    linkname: Buffer.alloc(0),
  });
  return Buffer.concat([paxHeader, records, padding(records.length), main]);
}

/** Zero bytes that bring `size` bytes of content up to a whole block. */
export function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest);
}

/** Two zero blocks end a tar. */
export function endOfTar(): Buffer {
  return Buffer.alloc(2 * BLOCK);
}

interface UstarFields {
  name: Buffer;
  typeflag: string;
  size: number;
  mode: number;
  mtime: number;
  linkname: Buffer;
}

function ustar(fields: UstarFields): Buffer {
  const block = Buffer.alloc(BLOCK);
  fields.name.copy(block, 0);
  block.write(octal(fields.mode, 7), 100, "ascii");
  block.write(octal(0, 7), 108, "ascii"); // uid: restore does not change owners
  block.write(octal(0, 7), 116, "ascii"); // gid
  block.write(octal(fields.size, 11), 124, "ascii");
  block.write(octal(fields.mtime, 11), 136, "ascii");
  block.write(fields.typeflag, 156, "ascii");
  fields.linkname.copy(block, 157);
  block.write("ustar\u000000", 257, "ascii");
  block.write(octal(0, 7), 329, "ascii");
  block.write(octal(0, 7), 337, "ascii");
  // The checksum is taken with its own field read as eight spaces.
  block.fill(" ", 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, "0")}\u0000 `, 148, "ascii");
  return block;
}

function octal(value: number, digits: number): string {
  return `${value.toString(8).padStart(digits, "0")}\u0000`;
}

/** At most `max` bytes of the UTF-8 name, cut only between characters. */
function truncateBytes(text: string, max: number): Buffer {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= max) return bytes;
  let end = max;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

/** "<length> <key>=<value>\n" where the length counts the whole record, itself included. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyBytes = Buffer.byteLength(body);
  let length = bodyBytes + 1;
  while (String(length).length + bodyBytes !== length) length = String(length).length + bodyBytes;
  return `${length}${body}`;
}
