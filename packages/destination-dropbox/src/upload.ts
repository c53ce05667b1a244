import type { Readable } from "node:stream";
import { CairnError, formatBytes } from "@cairn/core";
import type { files } from "dropbox";
import { chunksOf } from "./chunks.js";
import type { DropboxClient } from "./client.js";
import { ContentHasher } from "./content-hash.js";
import { errorSummary, isHttpError } from "./errors.js";

export interface UploadTarget {
  key: string;
  path: string;
  chunkSize: number;
  signal: AbortSignal;
  destinationName: string;
}

/** `mode: add` and `strict_conflict`: an existing file at the path is always an error, never replaced. */
function commitInfo(path: string): files.CommitInfo {
  return { path, mode: { ".tag": "add" }, autorename: false, strict_conflict: true, mute: true };
}

/**
 * Uploads a stream to one Dropbox path: `files/upload` when it fits in one chunk, otherwise an
 * upload session. Nothing appears at the path until the last call commits it; the content
 * hash Dropbox reports is checked against the one computed here.
 */
export async function uploadStream(
  client: DropboxClient,
  body: Readable,
  target: UploadTarget,
): Promise<files.FileMetadata> {
  const what = `uploading "${target.key}"`;
  const hasher = new ContentHasher();
  let retried = false;
  const noteRetry = () => {
    retried = true;
  };
  const chunks = chunksOf(body, target.chunkSize);
  let sent = 0;
  let expected = "";
  let metadata: files.FileMetadata;
  try {
    target.signal.throwIfAborted();
    const first = (await chunks.next()).value;
    if (!first) throw new Error("no data");
    hasher.update(first.data);
    sent = first.data.length;
    if (first.final) {
      expected = hasher.digest();
      metadata = await commitOrAdopt(
        client,
        target,
        expected,
        noteRetry,
        () => retried,
        () =>
          client.raw(
            what,
            (o) => client.sdk.filesUpload({ ...commitInfo(target.path), contents: first.data }, o),
            target.signal,
            noteRetry,
          ),
      );
    } else {
      const { session_id } = await client.raw(
        what,
        (o) => client.sdk.filesUploadSessionStart({ close: false, contents: first.data }, o),
        target.signal,
      );
      let offset = first.data.length;
      for await (const chunk of chunks) {
        target.signal.throwIfAborted();
        hasher.update(chunk.data);
        sent += chunk.data.length;
        if (!chunk.final) {
          offset = await appendAt(client, what, session_id, offset, chunk.data, target.signal);
          continue;
        }
        const base = offset;
        expected = hasher.digest();
        metadata = await commitOrAdopt(
          client,
          target,
          expected,
          noteRetry,
          () => retried,
          () => finishAt(client, what, session_id, base, chunk.data, target, noteRetry),
        );
      }
    }
  } catch (error) {
    body.destroy();
    if (target.signal.aborted)
      throw new CairnError("ABORTED", `${what} to Dropbox was cancelled`, { cause: target.signal.reason });
    if (errorSummary(error).includes("insufficient_space"))
      throw await quotaError(client, target, sent, error);
    throw client.fail(error, what);
  }
  return verifyHash(client, target, metadata!, expected);
}

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
async function appendAt(
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

async function finishAt(
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

/**
 * Runs the committing call. If it reports a conflict or a finished session after a retry, the
 * first attempt may have committed and only its answer was lost: the file at the path is
 * adopted when it has exactly this upload's content hash.
 */
async function commitOrAdopt(
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

async function verifyHash(
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

async function quotaError(
  client: DropboxClient,
  target: UploadTarget,
  sent: number,
  cause: unknown,
): Promise<CairnError> {
  const usage = await client
    .raw("reading the quota", (o) => client.sdk.usersGetSpaceUsage(o))
    .catch(() => undefined);
  const numbers = usage ? `; ${formatBytes(usage.used)} of ${formatBytes(allocatedOf(usage))} used` : "";
  return new CairnError(
    "DESTINATION_QUOTA",
    `Dropbox destination "${target.destinationName}": the account is full; "${target.key}" (${formatBytes(sent)} sent so far) does not fit${numbers}. Nothing was stored`,
    {
      cause,
      hint: "free space in the Dropbox account, set `minFreeSpace` in the job's retention, or move to a larger plan",
    },
  );
}

export function allocatedOf(usage: { allocation: { ".tag": string; allocated?: number } }): number {
  return usage.allocation.allocated ?? 0;
}
