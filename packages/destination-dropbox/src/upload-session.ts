import { CairnError } from "@cairn/core";
import type { files } from "dropbox";
import type { DropboxClient } from "./client.js";
import { isHttpError } from "./errors.js";
import type { UploadTarget } from "./upload.js";
import { commitInfo } from "./upload-checks.js";

// The calls of an upload session past its first chunk, each resuming where Dropbox says the
// session really is when a dropped connection left cairn unsure.

/** The offset Dropbox says a session really is at, from an `incorrect_offset` error. */
function correctOffset(error: unknown): number | undefined {
  if (!isHttpError(error) || error.status !== 409) return undefined;
  const union = (error.error as { error?: Record<string, unknown> } | undefined)?.error;
  const lookup = (union?.[".tag"] === "lookup_failed" ? union.lookup_failed : union) as
    | { ".tag"?: string; correct_offset?: number }
    | undefined;
  return lookup?.[".tag"] === "incorrect_offset" ? lookup.correct_offset : undefined;
}

/**
 * Sends `data` at `offset`. When a dropped connection leaves the client unsure, Dropbox's
 * `incorrect_offset` tells where the session really is: the upload goes on from there
 * (skipping what already arrived) instead of starting over.
 */
export async function appendAt(
  client: DropboxClient,
  what: string,
  sessionId: string,
  offset: number,
  data: Buffer,
  signal: AbortSignal,
): Promise<number> {
  let at = offset;
  for (let resyncs = 0; ; resyncs += 1) {
    const rest = data.subarray(at - offset);
    try {
      await client.raw(
        what,
        (o) =>
          client.sdk.filesUploadSessionAppendV2(
            { cursor: { session_id: sessionId, offset: at }, close: false, contents: rest },
            o,
          ),
        signal,
      );
      return offset + data.length;
    } catch (error) {
      at = resync(error, offset, data.length, resyncs, what);
      if (at === offset + data.length) return at;
    }
  }
}

function resync(error: unknown, offset: number, length: number, resyncs: number, what: string): number {
  const correct = correctOffset(error);
  if (correct === undefined || resyncs >= 5) throw error;
  if (correct < offset || correct > offset + length) {
    throw new CairnError(
      "DESTINATION_IO",
      `${what}: the Dropbox upload session is at byte ${correct}, outside the chunk cairn holds (${offset} to ${offset + length})`,
      { cause: error, retryable: true, hint: "run the backup again; a new upload starts from the beginning" },
    );
  }
  return correct;
}

export async function finishAt(
  client: DropboxClient,
  what: string,
  sessionId: string,
  offset: number,
  data: Buffer,
  target: UploadTarget,
  onRetry: () => void,
): Promise<files.FileMetadata> {
  let at = offset;
  for (let resyncs = 0; ; resyncs += 1) {
    const rest = data.subarray(at - offset);
    try {
      return await client.raw(
        what,
        (o) =>
          client.sdk.filesUploadSessionFinish(
            {
              cursor: { session_id: sessionId, offset: at },
              commit: commitInfo(target.path),
              contents: rest,
            },
            o,
          ),
        target.signal,
        onRetry,
      );
    } catch (error) {
      at = resync(error, offset, data.length, resyncs, what);
    }
  }
}
