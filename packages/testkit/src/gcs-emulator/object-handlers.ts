import { createReadStream } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorState } from "./context.js";
import { ApiError, sendJson } from "./json-errors.js";
import type { PatchMetadata, StoredObjectRecord } from "./records.js";
import { preconditionsOf, readText } from "./request-reading.js";
import { bucketResource, objectResource } from "./resources.js";

export function handleBucketGet(state: EmulatorState, res: ServerResponse, bucket: string): void {
  sendJson(res, 200, bucketResource(state.store.bucket(bucket)));
}

/** GET /storage/v1/b/{bucket}/o */
export function handleList(
  state: EmulatorState,
  res: ServerResponse,
  url: URL,
  bucket: string,
  baseUrl: string,
): void {
  const maxResults = Math.min(Number(url.searchParams.get("maxResults") ?? 1000) || 1000, 1000);
  const delimiter = url.searchParams.get("delimiter") ?? undefined;
  const pageToken = url.searchParams.get("pageToken") ?? undefined;
  const page = state.store.list(bucket, {
    prefix: url.searchParams.get("prefix") ?? "",
    maxResults,
    ...(delimiter ? { delimiter } : {}),
    ...(pageToken ? { pageToken } : {}),
  });
  sendJson(res, 200, {
    kind: "storage#objects",
    ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
    ...(page.prefixes.length > 0 ? { prefixes: page.prefixes } : {}),
    items: page.items.map((o) => objectResource(o, baseUrl)),
  });
}

/** GET /storage/v1/b/{bucket}/o/{object}: the metadata, or the bytes with `alt=media`. */
export function handleObjectGet(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  bucket: string,
  name: string,
  baseUrl: string,
): void {
  const object = state.store.getObject(bucket, name);
  const generation = url.searchParams.get("generation");
  // Only the live generation is kept: an older one is gone, as after an overwrite.
  if (generation !== null && generation !== object.generation) {
    throw new ApiError(404, `No such object: ${bucket}/${name}#${generation}`);
  }
  state.store.checkPreconditions(bucket, name, preconditionsOf(url));
  if (url.searchParams.get("alt") !== "media") {
    sendJson(res, 200, objectResource(object, baseUrl));
    return;
  }
  sendMedia(state, req, res, object);
}

/** PATCH /storage/v1/b/{bucket}/o/{object}: metadata changes. */
export async function handleObjectPatch(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  bucket: string,
  name: string,
  baseUrl: string,
): Promise<void> {
  const text = await readText(req, 1024 * 1024);
  let changes: PatchMetadata;
  try {
    changes = text.trim() === "" ? {} : (JSON.parse(text) as PatchMetadata);
  } catch {
    throw new ApiError(400, "Invalid JSON payload received.", "parseError");
  }
  const object = state.store.patch(bucket, name, changes, preconditionsOf(url));
  sendJson(res, 200, objectResource(object, baseUrl));
}

export async function handleObjectDelete(
  state: EmulatorState,
  res: ServerResponse,
  url: URL,
  bucket: string,
  name: string,
): Promise<void> {
  await state.store.delete(bucket, name, preconditionsOf(url));
  res.writeHead(204);
  res.end();
}

function sendMedia(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  object: StoredObjectRecord,
): void {
  const range = parseRange(req.headers.range, object.size);
  const headers: Record<string, string | number> = {
    "content-type": object.contentType,
    "x-goog-hash": `crc32c=${object.crc32c},md5=${object.md5Hash}`,
    "x-goog-generation": object.generation,
    "x-goog-metageneration": String(object.metageneration),
    "x-goog-stored-content-length": object.size,
    "x-goog-stored-content-encoding": "identity",
    "x-goog-storage-class": object.storageClass,
    "accept-ranges": "bytes",
    etag: Buffer.from(object.generation).toString("base64"),
  };
  const start = range?.start ?? 0;
  const end = range?.end ?? object.size - 1;
  const length = Math.max(0, end - start + 1);
  headers["content-length"] = length;
  if (range) headers["content-range"] = `bytes ${start}-${end}/${object.size}`;
  res.writeHead(range ? 206 : 200, headers);
  if (length === 0) {
    res.end();
    return;
  }
  const cutAfter = state.faults.takeDownloadCut();
  const stream = createReadStream(object.file, { start, end });
  let sent = 0;
  stream.on("data", (chunk) => {
    const buffer = chunk as Buffer;
    if (cutAfter !== undefined && sent + buffer.length >= cutAfter) {
      stream.destroy();
      // Send what is allowed, then drop the connection: the client sees a truncated body.
      res.write(buffer.subarray(0, cutAfter - sent), () => res.socket?.destroy());
      sent = cutAfter;
      return;
    }
    sent += buffer.length;
    if (!res.write(buffer)) {
      stream.pause();
      res.once("drain", () => stream.resume());
    }
  });
  stream.on("end", () => res.end());
  stream.on("error", () => res.destroy());
  res.on("close", () => stream.destroy());
}

function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return undefined;
  let start: number;
  let end: number;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size && size > 0)
    throw new ApiError(416, "The requested range cannot be satisfied.", "requestedRangeNotSatisfiable");
  return { start, end };
}
