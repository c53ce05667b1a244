import type { IncomingMessage } from "node:http";
import { ApiError } from "./json-errors.js";
import type { Preconditions } from "./records.js";

// What a request asks, read the way Cloud Storage reads it.

/** The generation preconditions in a request's query. */
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

/** A whole (small) request body; 413 past `limit`. */
export async function readBuffer(req: IncomingMessage, limit: number): Promise<Buffer> {
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

/** A whole (small) request body as text. */
export async function readText(req: IncomingMessage, limit: number): Promise<string> {
  return (await readBuffer(req, limit)).toString("utf8");
}
