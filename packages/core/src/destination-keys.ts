import { CairnError } from "./errors.js";

/** The longest key in UTF-8 bytes: what S3 and Cloud Storage accept, so a key works everywhere. */
export const MAX_KEY_BYTES = 1024;
/** The longest part between slashes: a file name on ext4, APFS, NTFS and most NAS file systems. */
export const MAX_KEY_PART_BYTES = 255;

const CONTROL = /[\u0000-\u001f\u007f]/;
/** In a Unicode regex only a lone surrogate is a code point of its own: text no service can store. */
const LONE_SURROGATE = /\p{Cs}/u;

const HINT =
  'keys are relative paths like "job/job-20261122T030000Z-k3f9.zip": no leading "/", no empty, "." or ".." parts, no backslashes or control characters, at most 1024 bytes';

/** Why `key` is not a safe destination key, or undefined when it is one. */
function problemOf(key: unknown): string | undefined {
  if (typeof key !== "string") return "it is not a string";
  if (key === "") return "it is empty";
  if (key.startsWith("/")) return "it is absolute";
  if (key.includes("\\")) return "it contains a backslash";
  if (CONTROL.test(key)) return "it contains a control character";
  if (LONE_SURROGATE.test(key)) return "it is not valid Unicode";
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) return `it is longer than ${MAX_KEY_BYTES} bytes`;
  for (const part of key.split("/")) {
    if (part === "") return 'it has an empty part ("//" or a trailing "/")';
    if (part === "." || part === "..") return `it has a "${part}" part`;
    if (Buffer.byteLength(part) > MAX_KEY_PART_BYTES) {
      return `a part of it is longer than ${MAX_KEY_PART_BYTES} bytes`;
    }
  }
  return undefined;
}

function shown(key: unknown): string {
  const text = JSON.stringify(typeof key === "string" && key.length > 80 ? `${key.slice(0, 80)}…` : key);
  return text ?? String(key);
}

/**
 * Refuses a key that could leave the destination's folder or mean different things to different
 * services: every destination calls it before touching its storage, so `../x` gets the same
 * DESTINATION_KEY_INVALID from a disk, a server and a bucket. Returns the key.
 */
export function checkKey(key: string): string {
  const problem = problemOf(key);
  if (problem) {
    throw new CairnError("DESTINATION_KEY_INVALID", `the key ${shown(key)} is refused: ${problem}`, {
      hint: HINT,
    });
  }
  return key;
}

/** Like checkKey, for a listing prefix: "" lists everything, and a prefix may end in "/" or mid-name. */
export function checkListPrefix(prefix: string): string {
  if (prefix === "") return prefix;
  const problem = prefix.startsWith("/")
    ? "it is absolute"
    : problemOf(prefix.endsWith("/") ? prefix.slice(0, -1) : prefix);
  if (problem) {
    throw new CairnError(
      "DESTINATION_KEY_INVALID",
      `the listing prefix ${shown(prefix)} is refused: ${problem}`,
      {
        hint: HINT,
      },
    );
  }
  return prefix;
}
