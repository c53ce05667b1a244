import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { CairnError, classifyFailure } from "@cairn/core";
import { CRC32C, type File } from "@google-cloud/storage";

export interface DownloadSettings {
  signal: AbortSignal;
  /** The object's size and CRC32C from its metadata: what the bytes must add up to. */
  size: number;
  crc32c: string | undefined;
  /** Times a broken download is taken up again in a row without progress. */
  maxResumes: number;
  describe: string;
  /** Turns an SDK error into the CairnError the caller sees. */
  mapError(error: unknown): Error;
}

/**
 * Streams the object. The SDK does not take up a download whose connection breaks, so this
 * asks again for the bytes from the last one received (a Range request) and carries on.
 * `file` must be pinned to a generation, so every part comes from the same object. The CRC32C
 * is checked over the whole stream, across the resumed parts.
 */
export function downloadObject(file: File, settings: DownloadSettings): Readable {
  return Readable.from(bytes(file, settings), { objectMode: false, highWaterMark: 1024 * 1024 });
}

async function* bytes(file: File, settings: DownloadSettings): AsyncGenerator<Buffer> {
  const crc = new CRC32C();
  let offset = 0;
  let failures = 0;
  while (offset < settings.size || (offset === 0 && settings.size === 0)) {
    if (settings.signal.aborted) throw settings.mapError(settings.signal.reason);
    const stream = file.createReadStream({
      validation: false,
      ...(offset > 0 ? { start: offset } : {}),
    });
    const stopOnAbort = () => stream.destroy();
    settings.signal.addEventListener("abort", stopOnAbort, { once: true });
    try {
      for await (const chunk of stream) {
        const buffer = chunk as Buffer;
        offset += buffer.length;
        failures = 0;
        crc.update(buffer);
        yield buffer;
      }
      if (settings.size === 0) break;
      if (offset < settings.size)
        throw Object.assign(new Error("the download ended early"), { code: "ECONNRESET" });
    } catch (error) {
      if (settings.signal.aborted) throw settings.mapError(settings.signal.reason);
      if (!isResumable(error) || failures >= settings.maxResumes) throw settings.mapError(error);
      failures += 1;
      await sleep(Math.min(250 * 2 ** failures, 8000), undefined, { signal: settings.signal }).catch(() => {
        throw settings.mapError(settings.signal.reason);
      });
    } finally {
      settings.signal.removeEventListener("abort", stopOnAbort);
      stream.destroy();
    }
  }
  if (offset !== settings.size) {
    throw new CairnError(
      "DESTINATION_IO",
      `${settings.describe}: got ${offset} bytes, the object has ${settings.size}`,
      {
        retryable: true,
      },
    );
  }
  if (settings.crc32c && !crc.validate(settings.crc32c)) {
    throw new CairnError(
      "DESTINATION_IO",
      `${settings.describe}: the bytes received do not match the object's CRC32C`,
      {
        retryable: true,
        hint: "try again; if it persists the stored object is damaged",
      },
    );
  }
}

function isResumable(error: unknown): boolean {
  return classifyFailure(error)?.retryable === true;
}
