import { createWriteStream } from "node:fs";
import { truncate } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { badRequest, routeError } from "./api-error.js";
import type { Fault } from "./faults.js";

/** Dropbox refuses a single request carrying more than 150 MiB. */
export const MAX_REQUEST_BYTES = 150 * 1024 * 1024;

/** Thrown when a fault cut the connection: the handler stops and nothing is answered. */
export class ConnectionDropped extends Error {}

/**
 * Streams a request body onto the end of `file` (created if missing). If the body does not
 * arrive in full, the file is cut back to its former length: a call either appends all of
 * its data or none, as Dropbox's upload sessions do.
 */
export async function appendBody(
  req: IncomingMessage,
  file: string,
  startLength: number,
  anyFault: Fault | undefined,
): Promise<number> {
  const fault = anyFault?.kind === "dropConnection" ? anyFault : undefined;
  let received = 0;
  let tooLarge = false;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received > MAX_REQUEST_BYTES) {
        tooLarge = true;
        callback(new Error("payload too large"));
        return;
      }
      if (fault && !fault.applyBeforeDrop && received >= fault.afterBytes) {
        // Keep what arrived before the cut so the rollback below is really exercised.
        const keep = chunk.length - (received - fault.afterBytes);
        this.push(chunk.subarray(0, keep));
        req.socket?.destroy();
        callback(new ConnectionDropped("connection dropped by fault injection"));
        return;
      }
      callback(null, chunk);
    },
  });
  try {
    await pipeline(req, counter, createWriteStream(file, { flags: "a" }));
  } catch (error) {
    await truncate(file, startLength).catch(() => {});
    if (tooLarge) throw routeError({ ".tag": "payload_too_large" });
    if (error instanceof ConnectionDropped) throw error;
    throw new ConnectionDropped(`the request body did not arrive in full: ${String(error)}`);
  }
  return received;
}

export async function readJsonBody(req: IncomingMessage, route: string): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (text === "" || text === "null") return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {}
  throw badRequest(`Error in call to API function "${route}": request body: could not decode input as JSON`);
}

export async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
