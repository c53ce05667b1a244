import { randomUUID } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { type EmulatorState, parseInsertMetadata } from "./context.js";
import { finishUpload } from "./finish-upload.js";
import { ObjectHasher } from "./hashes.js";
import { ApiError } from "./json-errors.js";
import { handleMultipart } from "./multipart-upload.js";
import { receiveBody } from "./receive-body.js";
import { preconditionsOf, readText } from "./request-reading.js";

/**
 * POST /upload/storage/v1/b/{bucket}/o?uploadType=media|multipart|resumable. A resumable upload
 * only starts here; its data arrives on the session URI (resumable-upload.ts).
 */
export async function handleInsert(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  bucket: string,
  baseUrl: string,
) {
  state.store.bucket(bucket);
  const pre = preconditionsOf(url);
  const uploadType = url.searchParams.get("uploadType");
  if (uploadType === "resumable") {
    const insert = parseInsertMetadata(await readText(req, 1024 * 1024));
    const name = url.searchParams.get("name") ?? insert.name;
    if (!name) throw new ApiError(400, "Required parameter: name");
    // Checked at the start too, so a client learns of a conflict before sending any data.
    state.store.checkPreconditions(bucket, name, pre);
    const session = await state.sessions.start(bucket, name, insert, pre);
    const location = `${baseUrl}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?uploadType=resumable&name=${encodeURIComponent(name)}&upload_id=${session.id}`;
    res.writeHead(200, { location, "x-guploader-uploadid": session.id, "content-length": 0 });
    res.end();
    return;
  }
  if (uploadType === "multipart") return handleMultipart(state, req, res, url, bucket, baseUrl, pre);
  if (uploadType !== "media") throw new ApiError(400, `Unsupported uploadType: ${uploadType ?? "(none)"}`);
  const name = url.searchParams.get("name");
  if (!name) throw new ApiError(400, "Required parameter: name");
  const file = join(state.tmpDir, `media-${randomUUID()}`);
  await writeFile(file, "");
  const hasher = new ObjectHasher();
  try {
    const { appended, complete } = await receiveBody(req, file, hasher);
    if (!complete) return;
    const insert = { contentType: req.headers["content-type"] ?? "application/octet-stream" };
    await finishUpload(state, res, baseUrl, bucket, name, insert, pre, file, appended, hasher, req);
  } finally {
    await rm(file, { force: true });
  }
}
