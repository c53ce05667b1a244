import { randomUUID } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { type EmulatorState, parseInsertMetadata } from "./context.js";
import { finishUpload } from "./finish-upload.js";
import { ObjectHasher } from "./hashes.js";
import { ApiError } from "./json-errors.js";
import type { Preconditions } from "./records.js";
import { readBuffer } from "./request-reading.js";

/** Multipart bodies are parsed in memory; Cloud Storage meant them for small objects too. */
const MULTIPART_LIMIT = 64 * 1024 * 1024;

/** `uploadType=multipart`: a metadata part and a media part in one request body. */
export async function handleMultipart(
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
    await finishUpload(
      state,
      res,
      baseUrl,
      bucket,
      name,
      insert,
      pre,
      file,
      mediaPart.body.length,
      hasher,
      req,
    );
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
