import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { DropboxResponseError } from "dropbox";
import { CONTENT_URL, type DropboxClient } from "./client.js";

/**
 * Streams a file down. The SDK's `filesDownload` buffers the whole file in memory, so this
 * calls the content endpoint itself, with the SDK's token and cairn's retries for the request.
 */
export async function downloadStream(
  client: DropboxClient,
  path: string,
  what: string,
  signal: AbortSignal,
): Promise<Readable> {
  const arg = JSON.stringify({ path }).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  try {
    const response = await client.raw(
      what,
      async () => {
        const res = await client.fetch(`${CONTENT_URL}files/download`, {
          method: "POST",
          headers: { Authorization: `Bearer ${await client.accessToken()}`, "Dropbox-API-Arg": arg },
          signal,
        });
        if (!res.ok) {
          const text = await res.text();
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {}
          throw new DropboxResponseError(res.status, res.headers, body);
        }
        return { status: res.status, headers: res.headers, result: res };
      },
      signal,
    );
    if (!response.body) return Readable.from([]);
    return Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  } catch (error) {
    throw client.fail(error, what);
  }
}
