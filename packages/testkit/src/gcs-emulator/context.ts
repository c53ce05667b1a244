import type { FaultControls } from "./faults.js";
import type { ObjectStore } from "./object-store.js";
import type { UploadSessions } from "./upload-sessions.js";

/** What every request handler works with. */
export interface EmulatorState {
  store: ObjectStore;
  faults: FaultControls;
  sessions: UploadSessions;
  /** A folder for uploads in progress. */
  tmpDir: string;
}

/** The object's metadata as a client sends it in an insert (JSON body or multipart part). */
export interface InsertMetadata {
  name?: string;
  contentType?: string;
  storageClass?: string;
  metadata?: Record<string, string>;
}

export function parseInsertMetadata(text: string): InsertMetadata {
  if (text.trim() === "") return {};
  const value = JSON.parse(text) as Record<string, unknown>;
  const out: InsertMetadata = {};
  if (typeof value.name === "string") out.name = value.name;
  if (typeof value.contentType === "string") out.contentType = value.contentType;
  if (typeof value.storageClass === "string") out.storageClass = value.storageClass;
  if (value.metadata && typeof value.metadata === "object") {
    out.metadata = Object.fromEntries(
      Object.entries(value.metadata as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
    );
  }
  return out;
}

/** Reads `x-goog-hash: crc32c=...,md5=...` as a client sends it with the final upload request. */
export function parseGoogHash(header: string | string[] | undefined): { crc32c?: string; md5?: string } {
  const text = Array.isArray(header) ? header.join(",") : (header ?? "");
  const out: { crc32c?: string; md5?: string } = {};
  for (const part of text.split(",")) {
    const at = part.indexOf("=");
    if (at === -1) continue;
    const key = part.slice(0, at).trim().toLowerCase();
    const value = part.slice(at + 1).trim();
    if (key === "crc32c") out.crc32c = value;
    if (key === "md5") out.md5 = value;
  }
  return out;
}
