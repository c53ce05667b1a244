import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Logger } from "@cairn/core";
import type { File } from "@google-cloud/storage";

export interface UploadSettings {
  signal: AbortSignal;
  chunkSize: number;
  storageClass: string | undefined;
  logger: Logger;
  /** Ends a resumable session that will never finish, so its bytes are dropped at once. */
  cancelSession(uri: string): Promise<void>;
}

export interface UploadResult {
  size: number;
  sha256: string;
  generation: string;
  modified: Date;
}

/**
 * Streams `body` into one resumable upload that only creates the object when its last chunk
 * is accepted: an upload that fails or is aborted leaves nothing under the name.
 * `ifGenerationMatch: 0` refuses to replace an existing object (and makes the SDK's retries
 * safe); the SDK sends the CRC32C of what it read with the last chunk, and the service
 * refuses the object when what arrived differs. At most `chunkSize` bytes are held, to
 * replay a chunk whose request failed.
 */
export async function uploadObject(
  file: File,
  body: Readable,
  settings: UploadSettings,
): Promise<UploadResult> {
  const sha256 = createHash("sha256");
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sha256.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  const writer = file.createWriteStream({
    resumable: true,
    chunkSize: settings.chunkSize,
    validation: "crc32c",
    preconditionOpts: { ifGenerationMatch: 0 },
    metadata: {
      contentType: "application/octet-stream",
      ...(settings.storageClass ? { storageClass: settings.storageClass } : {}),
    },
  });
  let sessionUri: string | undefined;
  writer.on("uri", (uri: string) => {
    sessionUri = uri;
  });
  try {
    await pipeline(body, meter, writer, { signal: settings.signal });
  } catch (error) {
    if (sessionUri) {
      await settings.cancelSession(sessionUri).catch((cancelError: unknown) => {
        // Not fatal: an unfinished session creates no object and expires after a week.
        settings.logger.debug("could not cancel the resumable upload session", {
          error: String(cancelError),
        });
      });
    }
    throw error;
  }
  const metadata = file.metadata;
  return {
    size,
    sha256: sha256.digest("hex"),
    generation: String(metadata.generation ?? ""),
    modified: new Date(String(metadata.timeCreated ?? metadata.updated ?? Date.now())),
  };
}
