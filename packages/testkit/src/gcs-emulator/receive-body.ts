import { open } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import type { ObjectHasher } from "./hashes.js";

export interface ReceiveOptions {
  /** Bytes at the start of the body that the server already has (a client resending from an older offset). */
  skip?: number;
  /** Close the connection once this many body bytes arrived (fault injection). */
  cutAfter?: number | undefined;
}

/**
 * Appends a request body to `file`, hashing what is written. Every byte counted has been
 * written, even when the connection drops half-way: the session's offset must match the file.
 * Returns the bytes appended, and whether the body arrived whole.
 */
export async function receiveBody(
  req: IncomingMessage,
  file: string,
  hasher: ObjectHasher,
  options: ReceiveOptions = {},
): Promise<{ appended: number; complete: boolean }> {
  const handle = await open(file, "a");
  let toSkip = options.skip ?? 0;
  let seen = 0;
  let appended = 0;
  try {
    for await (const raw of req) {
      let chunk = raw as Buffer;
      if (options.cutAfter !== undefined && seen + chunk.length >= options.cutAfter) {
        chunk = chunk.subarray(0, options.cutAfter - seen);
        seen += chunk.length;
        appended += await append(chunk);
        req.socket.destroy();
        return { appended, complete: false };
      }
      seen += chunk.length;
      appended += await append(chunk);
    }
    return { appended, complete: true };
  } catch {
    // The client went away mid-body: keep what was written, as Cloud Storage may.
    return { appended, complete: false };
  } finally {
    await handle.close();
  }

  async function append(chunk: Buffer): Promise<number> {
    if (toSkip > 0) {
      const dropped = Math.min(toSkip, chunk.length);
      toSkip -= dropped;
      chunk = chunk.subarray(dropped);
    }
    if (chunk.length === 0) return 0;
    await handle.write(chunk);
    hasher.update(chunk);
    return chunk.length;
  }
}
