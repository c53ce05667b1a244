import type { Readable } from "node:stream";
import { CairnError } from "@cairn/core";
import type { files } from "dropbox";
import { chunksOf } from "./chunks.js";
import type { DropboxClient } from "./client.js";
import { ContentHasher } from "./content-hash.js";
import { errorSummary } from "./errors.js";
import { quotaError } from "./quota-error.js";
import { commitInfo, commitOrAdopt, verifyHash } from "./upload-checks.js";
import { appendAt, finishAt } from "./upload-session.js";

export interface UploadTarget {
  key: string;
  path: string;
  chunkSize: number;
  signal: AbortSignal;
  destinationName: string;
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
