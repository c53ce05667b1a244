import { text } from "node:stream/consumers";
import type { Destination, StoredObject } from "../contracts/destination.js";
import { CairnError } from "../errors.js";
import { type Manifest, parseManifest } from "../manifest.js";
import { jobPrefix, type ParsedKey, parseKey } from "../naming.js";
import { mapLimit } from "../util/map-limit.js";

export interface CompleteBackup {
  id: string;
  job: string;
  time: Date;
  archive: StoredObject;
  manifestKey: string;
  manifest: Manifest;
}

/** Something cairn made that is not a whole backup: an archive without manifest, or the reverse. */
export interface IncompleteUpload {
  id: string;
  job: string;
  time: Date;
  keys: string[];
  size: number;
  reason: "no manifest" | "archive missing" | "manifest unreadable" | "size mismatch";
}

export interface BackupCatalog {
  complete: CompleteBackup[];
  incomplete: IncompleteUpload[];
}

/**
 * What a destination holds for a job, newest first. Only keys of cairn's own shape count; a
 * backup exists only where its manifest does, and the archive beside it matches it.
 */
export async function listBackups(
  destination: Destination,
  job: string,
  signal?: AbortSignal,
): Promise<BackupCatalog> {
  const groups = new Map<string, { parsed: ParsedKey; archive?: StoredObject; manifest?: StoredObject }>();
  for await (const object of destination.list(jobPrefix(job), signal ? { signal } : undefined)) {
    const parsed = parseKey(object.key);
    if (!parsed || parsed.job !== job) continue;
    const group = groups.get(parsed.id) ?? { parsed };
    if (parsed.kind === "manifest") group.manifest = object;
    else group.archive = object;
    groups.set(parsed.id, group);
  }

  const complete: CompleteBackup[] = [];
  const incomplete: IncompleteUpload[] = [];
  await mapLimit([...groups.values()], 8, async ({ parsed, archive, manifest }) => {
    const base = { id: parsed.id, job, time: parsed.time };
    const keys = [archive?.key, manifest?.key].filter((k): k is string => k !== undefined);
    const size = archive?.size ?? 0;
    if (!manifest) return incomplete.push({ ...base, keys, size, reason: "no manifest" });
    if (!archive) return incomplete.push({ ...base, keys, size, reason: "archive missing" });
    let data: Manifest;
    try {
      data = parseManifest(
        await text(await destination.get(manifest.key, { signal: signal ?? new AbortController().signal })),
        manifest.key,
      );
    } catch (error) {
      if (CairnError.is(error, "ARCHIVE_INVALID") || CairnError.is(error, "NOT_FOUND")) {
        return incomplete.push({ ...base, keys, size, reason: "manifest unreadable" });
      }
      throw error;
    }
    if (data.archive.key !== archive.key || data.archive.size !== archive.size) {
      return incomplete.push({ ...base, keys, size, reason: "size mismatch" });
    }
    return complete.push({
      ...base,
      time: new Date(data.createdAt),
      archive,
      manifestKey: manifest.key,
      manifest: data,
    });
  });
  complete.sort((a, b) => b.time.getTime() - a.time.getTime() || (a.id < b.id ? 1 : -1));
  incomplete.sort((a, b) => b.time.getTime() - a.time.getTime());
  return { complete, incomplete };
}
