import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorState } from "./context.js";
import type { RequestKind } from "./faults.js";
import { ApiError, sendError } from "./json-errors.js";
import {
  handleBucketGet,
  handleList,
  handleObjectDelete,
  handleObjectGet,
  handleObjectPatch,
} from "./object-handlers.js";
import { handleSession } from "./resumable-upload.js";
import { handleInsert } from "./upload-handlers.js";

interface Route {
  kind: RequestKind;
  run(): Promise<void> | void;
}

/** Answers one request of the JSON API, after auth and any injected fault. */
export async function route(state: EmulatorState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const baseUrl = `http://${req.headers.host ?? "127.0.0.1"}`;
  const url = new URL(req.url ?? "/", baseUrl);
  try {
    const matched = match(state, req, res, url, baseUrl);
    if (!matched) throw new ApiError(404, `Not Found: ${req.method} ${url.pathname}`);
    const fault = state.faults.take(matched.kind);
    if (!state.faults.isAuthorized(req)) {
      req.resume();
      throw new ApiError(401, "Invalid Credentials", "authError");
    }
    if (fault) {
      req.resume();
      throw new ApiError(fault.status, fault.message ?? defaultFaultMessage(fault.status));
    }
    await matched.run();
  } catch (error) {
    if (error instanceof ApiError) {
      req.resume();
      sendError(res, error);
    } else {
      sendError(res, new ApiError(500, `emulator failure: ${(error as Error).message}`));
    }
  }
}

function match(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  baseUrl: string,
): Route | undefined {
  const path = url.pathname;
  const method = req.method ?? "GET";
  let m = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(path);
  if (m) {
    const bucket = decodeURIComponent(m[1] as string);
    if (method === "POST")
      return { kind: "upload", run: () => handleInsert(state, req, res, url, bucket, baseUrl) };
    if (method === "PUT" || method === "DELETE")
      return { kind: "upload", run: () => handleSession(state, req, res, url, baseUrl) };
    return undefined;
  }
  m = /^\/(?:download\/)?storage\/v1\/b\/([^/]+)(?:\/o(?:\/(.+))?)?$/.exec(path);
  if (!m) return undefined;
  const bucket = decodeURIComponent(m[1] as string);
  const isObjects = path.includes("/o") && /\/b\/[^/]+\/o(\/|$)/.test(path);
  const object = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
  if (!isObjects)
    return method === "GET" ? { kind: "bucket", run: () => handleBucketGet(state, res, bucket) } : undefined;
  if (object === undefined)
    return method === "GET"
      ? { kind: "list", run: () => handleList(state, res, url, bucket, baseUrl) }
      : undefined;
  if (method === "GET") {
    const kind = url.searchParams.get("alt") === "media" ? "download" : "metadata";
    return { kind, run: () => handleObjectGet(state, req, res, url, bucket, object, baseUrl) };
  }
  if (method === "PATCH") {
    return { kind: "metadata", run: () => handleObjectPatch(state, req, res, url, bucket, object, baseUrl) };
  }
  if (method === "DELETE")
    return { kind: "delete", run: () => handleObjectDelete(state, res, url, bucket, object) };
  return undefined;
}

function defaultFaultMessage(status: number): string {
  if (status === 429) return "The rate of change requests to the object is too high. Please slow down.";
  if (status === 503) return "We encountered an internal error. Please try again.";
  if (status === 403) return "The caller does not have permission.";
  return `Injected failure ${status}`;
}
