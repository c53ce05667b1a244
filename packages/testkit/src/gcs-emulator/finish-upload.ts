import type { IncomingMessage, ServerResponse } from "node:http";
import { type EmulatorState, parseGoogHash } from "./context.js";
import type { ObjectHasher } from "./hashes.js";
import { ApiError, sendJson } from "./json-errors.js";
import type { Preconditions } from "./records.js";
import { objectResource } from "./resources.js";

/**
 * Ends an upload of any kind: the hashes the client claimed (`x-goog-hash`) must match what
 * arrived, then the object is stored under its preconditions and returned as a resource.
 */
export async function finishUpload(
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
