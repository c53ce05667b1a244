import { Readable } from "node:stream";
import type { ConfiguredJob } from "../config/load.js";
import type { SourceEntry } from "../contracts/source.js";
import { encryptionLayer } from "../encryption/layer.js";
import { EntryIndexWriter } from "../entry-index/writer.js";
import type { Manifest } from "../manifest.js";
import type { BackupProgress } from "./results.js";

/**
 * One step that a backup's data passes through between the source and the destinations
 * (counting, a per-entry index, encryption). Layers apply in order: each sees the entries the
 * ones before it passed on, and rewrites the archive bytes the ones before it produced. The
 * manifest's size and SHA-256 are of the bytes that come out of the last one: what is stored.
 */
export interface UploadLayer {
  /** Sees every entry on its way into the archiver, and may pass on others. */
  entries?(entries: AsyncIterable<SourceEntry>): AsyncIterable<SourceEntry>;
  /** Rewrites the archive's bytes on their way to the destinations. */
  bytes?(archive: Readable): Readable;
  /** Added to the archive key's extension (".age" after ".zip"). */
  extension?: string;
  /**
   * The archive's last entry, asked for once every other entry has been written (the per-entry
   * index, which depends on all of them). At most one layer has one.
   */
  trailer?(): Promise<SourceEntry>;
  /** What this layer adds to the manifest, asked once every byte has passed. */
  manifest?(): Partial<Manifest>;
  /** Removes what the layer kept while the archive was made (a temporary file), whatever happened. */
  dispose?(): Promise<void>;
}

/** The layers of a job's uploads, in the order the data passes through them. */
export function uploadLayers(
  job: ConfiguredJob,
  progress: BackupProgress,
  onProgress: ((progress: BackupProgress) => void) | undefined,
): UploadLayer[] {
  // Encryption last: it rewrites the bytes every other layer produced, the index entry included.
  return [
    countEntries(progress, onProgress),
    entryIndex(),
    ...(job.encryption ? [encryptionLayer(job.encryption)] : []),
  ];
}

/** Records every entry with its SHA-256 and stores that index as the archive's last entry. */
export function entryIndex(): UploadLayer {
  const index = new EntryIndexWriter();
  return {
    entries: (entries) => index.collect(entries),
    trailer: () => index.trailer(),
    manifest: () => (index.summary ? { index: index.summary } : {}),
    dispose: () => index.dispose(),
  };
}

/** Counts entries and source bytes for the progress line and the manifest. */
export function countEntries(
  progress: BackupProgress,
  onProgress: ((progress: BackupProgress) => void) | undefined,
): UploadLayer {
  return {
    entries: (entries) => counted(entries, progress, onProgress),
    manifest: () => ({ entries: progress.entries, sourceBytes: progress.sourceBytes }),
  };
}

async function* counted(
  entries: AsyncIterable<SourceEntry>,
  progress: BackupProgress,
  onProgress: ((progress: BackupProgress) => void) | undefined,
): AsyncGenerator<SourceEntry> {
  for await (const entry of entries) {
    progress.entries += 1;
    progress.currentPath = entry.path;
    if (entry.size !== undefined || !entry.open) {
      progress.sourceBytes += entry.size ?? 0;
      onProgress?.(progress);
      yield entry;
      continue;
    }
    // A file of unknown size (a streamed dump) counts its bytes as the archiver reads them.
    const open = entry.open.bind(entry);
    onProgress?.(progress);
    yield { ...entry, open: () => Readable.from(countBytes(open(), progress), { objectMode: false }) };
  }
}

async function* countBytes(content: Readable, progress: BackupProgress): AsyncGenerator<Buffer> {
  for await (const chunk of content) {
    progress.sourceBytes += (chunk as Buffer).length;
    yield chunk as Buffer;
  }
}
