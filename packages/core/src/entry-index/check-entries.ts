import { Readable } from "node:stream";
import type { ArchivedEntry } from "../contracts/archiver.js";
import type { Manifest } from "../manifest.js";
import { ArchiveCheck, type IndexCheck } from "./archive-check.js";
import { isIndexEntry } from "./format.js";

export interface EntriesRead {
  /** Entries read, the index not counted. */
  entries: number;
  /** Whether an index entry was where the manifest puts it. */
  indexFound: boolean;
  /** The comparison with the index, for backups that have one. */
  index?: IndexCheck;
}

/**
 * Reads every entry of an archive to its end. Where the manifest records an index, each entry is
 * hashed and compared with it; older backups are only decompressed.
 */
export async function checkEntries(
  entries: AsyncIterable<ArchivedEntry>,
  manifest: Manifest,
  where: string,
): Promise<EntriesRead> {
  const recorded = manifest.index;
  const check = recorded ? await ArchiveCheck.create() : undefined;
  try {
    let count = 0;
    let index: IndexCheck | undefined;
    for await (const entry of entries) {
      if (check && recorded && index === undefined && isIndexEntry(manifest, count)) {
        index = await check.compare(entry.content ?? Readable.from([]), recorded, where);
        continue;
      }
      count++;
      if (check) await check.add(entry);
      else if (entry.content) for await (const _chunk of entry.content);
    }
    return { entries: count, indexFound: index !== undefined, ...(index ? { index } : {}) };
  } finally {
    await check?.dispose();
  }
}
