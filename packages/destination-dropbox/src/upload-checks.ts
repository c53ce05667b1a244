import { CairnError } from "@cairn/core";
import type { files } from "dropbox";
import type { DropboxClient } from "./client.js";
import { errorSummary } from "./errors.js";
import type { UploadTarget } from "./upload.js";

// What makes a committed upload this upload: nothing is replaced, a commit whose answer was lost
// is recognised by its content hash, and a corrupted arrival does not stay under a backup's name.

/** `mode: add` and `strict_conflict`: an existing file at the path is always an error, never replaced. */
export function commitInfo(path: string): files.CommitInfo {
  return { path, mode: { ".tag": "add" }, autorename: false, strict_conflict: true, mute: true };
}

/**
 * Runs the committing call. If it reports a conflict or a finished session after a retry, the
 * first attempt may have committed and only its answer was lost: the file at the path is
 * adopted when it has exactly this upload's content hash.
 */
export async function commitOrAdopt(
  client: DropboxClient,
  target: UploadTarget,
  expected: string,
  noteRetry: () => void,
  wasRetried: () => boolean,
  commit: () => Promise<files.FileMetadata>,
): Promise<files.FileMetadata> {
  try {
    return await commit();
  } catch (error) {
    const summary = errorSummary(error);
    if (!wasRetried() || !/conflict|lookup_failed\/not_found|lookup_failed\/closed/.test(summary))
      throw error;
    const existing = await client
      .raw(
        "checking a retried upload",
        (o) => client.sdk.filesGetMetadata({ path: target.path }, o),
        target.signal,
        noteRetry,
      )
      .catch(() => undefined);
    if (existing?.[".tag"] === "file" && existing.content_hash === expected)
      return existing as files.FileMetadata;
    throw error;
  }
}

/** Dropbox's content hash of what it stored against the one computed while sending; a mismatch removes the file. */
export async function verifyHash(
  client: DropboxClient,
  target: UploadTarget,
  metadata: files.FileMetadata,
  expected: string,
): Promise<files.FileMetadata> {
  if (metadata.content_hash === expected) return metadata;
  // A corrupted backup must not stay under a backup's name.
  await client
    .raw("removing a corrupted upload", (o) => client.sdk.filesDeleteV2({ path: target.path }, o))
    .catch(() => undefined);
  throw new CairnError(
    "DESTINATION_IO",
    `Dropbox destination "${target.destinationName}": "${target.key}" arrived corrupted (Dropbox's content_hash ${metadata.content_hash ?? "missing"}, cairn sent ${expected}); the upload was removed`,
    {
      retryable: true,
      hint: "run the backup again; if it keeps happening, check for a proxy or faulty network gear",
    },
  );
}
