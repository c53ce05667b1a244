import { randomBytes } from "node:crypto";
import { ARCHIVE_EXTENSIONS } from "./contracts/archiver.js";

/**
 * Backup names: `<job>/<name>-<YYYYMMDDTHHMMSSZ>-<4 base36>` plus `.zip`, `.tar`, `.tar.gz`,
 * `.tar.zst` (each with `.age` after it when encrypted) or `.manifest.json`. cairn only ever
 * lists, counts or deletes keys of this shape, so anything else a user keeps at the destination
 * is safe from it.
 */
// Longest first, so that ".tar.gz" is never taken for a name ending in ".gz".
const ARCHIVE_SUFFIXES = Object.values(ARCHIVE_EXTENSIONS).sort((a, b) => b.length - a.length);
/** An archive encrypted in the age format: `age -d` opens it as it is named. */
export const ENCRYPTED_SUFFIX = ".age";
const MANIFEST_SUFFIX = ".manifest.json";
const ID_PATTERN = /^(?<name>[A-Za-z0-9][A-Za-z0-9._ -]*?)-(?<stamp>\d{8}T\d{6}Z)-(?<nonce>[a-z0-9]{4})$/;
const JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export interface ParsedKey {
  job: string;
  id: string;
  name: string;
  time: Date;
  kind: "archive" | "manifest";
  extension: string;
}

export function isValidJobName(job: string): boolean {
  return JOB_NAME.test(job) && job.length <= 100;
}

export function formatStamp(time: Date): string {
  return time
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
}

export function parseStamp(stamp: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(stamp);
  if (!m) throw new Error(`not a cairn timestamp: ${stamp}`);
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

/** A fresh backup id: the name (usually the job's), the time to the second, and a nonce against collisions. */
export function newBackupId(name: string, time: Date): string {
  const nonce = [...randomBytes(4)].map((b) => (b % 36).toString(36)).join("");
  return `${name}-${formatStamp(time)}-${nonce}`;
}

export function archiveKey(job: string, id: string, extension: string): string {
  return `${job}/${id}${extension}`;
}

export function manifestKey(job: string, id: string): string {
  return `${job}/${id}${MANIFEST_SUFFIX}`;
}

/** The prefix under which every object of a job lives. */
export function jobPrefix(job: string): string {
  return `${job}/`;
}

/**
 * The lease object of a job at a destination. parseKey() does not recognise it, so listing,
 * counting and retention never take it for a backup.
 */
export function leaseKey(job: string): string {
  return `${job}/.cairn-lock`;
}

/** Recognises keys cairn made; returns undefined for anything else. */
export function parseKey(key: string): ParsedKey | undefined {
  const slash = key.indexOf("/");
  if (slash <= 0 || key.indexOf("/", slash + 1) !== -1) return undefined;
  const job = key.slice(0, slash);
  const file = key.slice(slash + 1);
  let kind: ParsedKey["kind"];
  let extension: string;
  if (file.endsWith(MANIFEST_SUFFIX)) {
    kind = "manifest";
    extension = MANIFEST_SUFFIX;
  } else {
    const encrypted = file.endsWith(ENCRYPTED_SUFFIX);
    const plain = encrypted ? file.slice(0, -ENCRYPTED_SUFFIX.length) : file;
    const suffix = ARCHIVE_SUFFIXES.find((s) => plain.endsWith(s));
    if (!suffix) return undefined;
    kind = "archive";
    extension = encrypted ? suffix + ENCRYPTED_SUFFIX : suffix;
  }
  const id = file.slice(0, -extension.length);
  const m = ID_PATTERN.exec(id);
  if (!m?.groups || !isValidJobName(job)) return undefined;
  return { job, id, name: m.groups.name!, time: parseStamp(m.groups.stamp!), kind, extension };
}
