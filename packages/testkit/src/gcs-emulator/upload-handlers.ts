import { randomUUID } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { type EmulatorState, parseGoogHash, parseInsertMetadata } from "./context.js";
import { ObjectHasher } from "./hashes.js";
import { ApiError, sendJson } from "./json-errors.js";
import { receiveBody } from "./receive-body.js";
import type { Preconditions } from "./records.js";
import { objectResource } from "./resources.js";
import type { UploadSession } from "./upload-sessions.js";

/** Multipart bodies are parsed in memory; Cloud Storage meant them for small objects too. */
const MULTIPART_LIMIT = 64 * 1024 * 1024;

export function preconditionsOf(url: URL): Preconditions {
  const pre: Preconditions = {};
  const match = url.searchParams.get("ifGenerationMatch");
  const notMatch = url.searchParams.get("ifGenerationNotMatch");
  const metaMatch = url.searchParams.get("ifMetagenerationMatch");
  if (metaMatch !== null) pre.ifMetagenerationMatch = metaMatch;
  if (match !== null) pre.ifGenerationMatch = match;
  if (notMatch !== null) pre.ifGenerationNotMatch = notMatch;
  return pre;
}

/** POST /upload/storage/v1/b/{bucket}/o?uploadType=media|multipart|resumable */
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
    await finish(state, res, baseUrl, bucket, name, insert, pre, file, appended, hasher, req);
  } finally {
    await rm(file, { force: true });
  }
}

/** PUT (data, or a status query) and DELETE (cancel) on a resumable session URI. */
export async function handleSession(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  baseUrl: string,
) {
  const session = state.sessions.get(url.searchParams.get("upload_id") ?? "");
  if (req.method === "DELETE") {
    await state.sessions.remove(session.id);
    // Cloud Storage answers a successful cancel with 499.
    sendJson(res, 499, { error: { code: 499, message: "Client Closed Request" } });
    return;
  }
  await state.sessions.serialize(session, () => putChunk(state, req, res, session, baseUrl));
}

// `bytes 0--1/0` is how clients announce an empty object in a chunked upload.
const CONTENT_RANGE = /^bytes (?:\*|(\d+)-(-?\d+|\*))\/(\d+|\*)$/;

async function putChunk(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  session: UploadSession,
  baseUrl: string,
) {
  if (session.result) {
    req.resume();
    sendJson(res, 200, objectResource(session.result, baseUrl));
    return;
  }
  const header = req.headers["content-range"] ?? `bytes 0-*/*`;
  const m = CONTENT_RANGE.exec(header);
  if (!m) throw new ApiError(400, `Invalid Content-Range: ${header}`);
  const total = m[3] === "*" ? undefined : Number(m[3]);
  if (m[1] !== undefined) {
    const start = Number(m[1]);
    if (start > session.received) {
      req.resume();
      throw new ApiError(
        400,
        `Invalid request: the upload is at byte ${session.received}, but Content-Range starts at ${start}.`,
      );
    }
    const { complete } = await receiveBody(req, session.file, session.hasher, {
      skip: session.received - start,
      cutAfter: state.faults.takeUploadCut(),
    }).then((r) => {
      session.received += r.appended;
      return r;
    });
    if (!complete) return;
    // `a-*/*`: the client streams everything in one request, so its end is the object's end.
    const endsHere = total === undefined ? m[2] === "*" : session.received >= total;
    if (total !== undefined && session.received > total) {
      throw new ApiError(
        400,
        `Invalid request: received ${session.received} bytes, more than the declared ${total}.`,
      );
    }
    if (!endsHere) return sendIncomplete(res, session.received);
  } else {
    req.resume();
    if (total === undefined || session.received < total) return sendIncomplete(res, session.received);
  }
  const { hasher, received, file } = session;
  try {
    session.result = await finish(
      state,
      res,
      baseUrl,
      session.bucket,
      session.name,
      session.insert,
      session.preconditions,
      file,
      received,
      hasher,
      req,
    );
  } catch (error) {
    // A finish that failed (hash mismatch, precondition) ends the session with no object.
    await state.sessions.remove(session.id);
    throw error;
  }
}

function sendIncomplete(res: ServerResponse, received: number): void {
  // 308 "Resume Incomplete"; no Range header means no bytes are persisted yet.
  res.writeHead(308, { ...(received > 0 ? { range: `bytes=0-${received - 1}` } : {}), "content-length": 0 });
  res.end();
}

async function finish(
  state: EmulatorState,
  res: ServerResponse,
  baseUrl: string,
  bucket: string,
  name: string,
  insert: { contentType?: string; storageClass?: string; metadata?: Record<string, string> },
  pre: Preconditions,
  file: string,
  size: number,
  hasher: ObjectHasher,
  req: IncomingMessage,
) {
  const hashes = hasher.digest();
  const claimed = parseGoogHash(req.headers["x-goog-hash"]);
  if (claimed.crc32c !== undefined && claimed.crc32c !== hashes.crc32c) {
    throw new ApiError(
      400,
      `Provided CRC32C "${claimed.crc32c}" doesn't match calculated CRC32C "${hashes.crc32c}".`,
    );
  }
  if (claimed.md5 !== undefined && claimed.md5 !== hashes.md5Hash) {
    throw new ApiError(
      400,
      `Provided MD5 hash "${claimed.md5}" doesn't match calculated MD5 hash "${hashes.md5Hash}".`,
    );
  }
  const record = await state.store.insert(bucket, { ...insert, name, size, file, ...hashes }, pre);
  sendJson(res, 200, objectResource(record, baseUrl));
  return record;
}

async function handleMultipart(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  bucket: string,
  baseUrl: string,
  pre: Preconditions,
) {
  const boundary = /boundary="?([^";]+)"?/i.exec(req.headers["content-type"] ?? "")?.[1];
  if (!boundary) throw new ApiError(400, "multipart upload without a boundary");
  const body = await readBuffer(req, MULTIPART_LIMIT);
  const parts = splitMultipart(body, boundary);
  const [metaPart, mediaPart] = parts;
  if (!metaPart || !mediaPart)
    throw new ApiError(400, "multipart upload needs a metadata part and a media part");
  const insert = parseInsertMetadata(metaPart.body.toString("utf8"));
  const name = url.searchParams.get("name") ?? insert.name;
  if (!name) throw new ApiError(400, "Required parameter: name");
  insert.contentType ??= mediaPart.contentType;
  const file = join(state.tmpDir, `multipart-${randomUUID()}`);
  await writeFile(file, mediaPart.body);
  const hasher = new ObjectHasher();
  hasher.update(mediaPart.body);
  try {
    await finish(state, res, baseUrl, bucket, name, insert, pre, file, mediaPart.body.length, hasher, req);
  } finally {
    await rm(file, { force: true });
  }
}

function splitMultipart(body: Buffer, boundary: string): { contentType?: string; body: Buffer }[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: { contentType?: string; body: Buffer }[] = [];
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === "--") break;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    const raw = body.subarray(start, next);
    const headerEnd = raw.indexOf("\r\n\r\n");
    const headers = raw.subarray(0, headerEnd).toString("utf8");
    let content = raw.subarray(headerEnd + 4);
    if (content.subarray(-2).toString() === "\r\n") content = content.subarray(0, -2);
    const contentType = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim();
    parts.push({ ...(contentType ? { contentType } : {}), body: content });
    at = next;
  }
  return parts;
}

async function readBuffer(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit)
      throw new ApiError(413, `Request body larger than ${limit} bytes; use a resumable upload.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function readText(req: IncomingMessage, limit: number): Promise<string> {
  return (await readBuffer(req, limit)).toString("utf8");
}
