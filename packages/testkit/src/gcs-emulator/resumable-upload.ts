import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorState } from "./context.js";
import { finishUpload } from "./finish-upload.js";
import { ApiError, sendJson } from "./json-errors.js";
import { receiveBody } from "./receive-body.js";
import { objectResource } from "./resources.js";
import type { UploadSession } from "./upload-sessions.js";

/** PUT (data, or a status query) and DELETE (cancel) on a resumable session URI. */
export async function handleSession(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  baseUrl: string,
) {
  const session = state.sessions.get(url.searchParams.get("upload_id") ?? "");
  if (req.method === "DELETE") {
    await state.sessions.remove(session.id);
    // Cloud Storage answers a successful cancel with 499.
    sendJson(res, 499, { error: { code: 499, message: "Client Closed Request" } });
    return;
  }
  await state.sessions.serialize(session, () => putChunk(state, req, res, session, baseUrl));
}

// `bytes 0--1/0` is how clients announce an empty object in a chunked upload.
const CONTENT_RANGE = /^bytes (?:\*|(\d+)-(-?\d+|\*))\/(\d+|\*)$/;

async function putChunk(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  session: UploadSession,
  baseUrl: string,
) {
  if (session.result) {
    req.resume();
    sendJson(res, 200, objectResource(session.result, baseUrl));
    return;
  }
  const header = req.headers["content-range"] ?? `bytes 0-*/*`;
  const m = CONTENT_RANGE.exec(header);
  if (!m) throw new ApiError(400, `Invalid Content-Range: ${header}`);
  const total = m[3] === "*" ? undefined : Number(m[3]);
  if (m[1] !== undefined) {
    const start = Number(m[1]);
    if (start > session.received) {
      req.resume();
      throw new ApiError(
        400,
        `Invalid request: the upload is at byte ${session.received}, but Content-Range starts at ${start}.`,
      );
    }
    const { complete } = await receiveBody(req, session.file, session.hasher, {
      skip: session.received - start,
      cutAfter: state.faults.takeUploadCut(),
    }).then((r) => {
      session.received += r.appended;
      return r;
    });
    if (!complete) return;
    // `a-*/*`: the client streams everything in one request, so its end is the object's end.
    const endsHere = total === undefined ? m[2] === "*" : session.received >= total;
    if (total !== undefined && session.received > total) {
      throw new ApiError(
        400,
        `Invalid request: received ${session.received} bytes, more than the declared ${total}.`,
      );
    }
    if (!endsHere) return sendIncomplete(res, session.received);
  } else {
    req.resume();
    if (total === undefined || session.received < total) return sendIncomplete(res, session.received);
  }
  const { hasher, received, file } = session;
  try {
    session.result = await finishUpload(
      state,
      res,
      baseUrl,
      session.bucket,
      session.name,
      session.insert,
      session.preconditions,
      file,
      received,
      hasher,
      req,
    );
  } catch (error) {
    // A finish that failed (hash mismatch, precondition) ends the session with no object.
    await state.sessions.remove(session.id);
    throw error;
  }
}

function sendIncomplete(res: ServerResponse, received: number): void {
  // 308 "Resume Incomplete"; no Range header means no bytes are persisted yet.
  res.writeHead(308, { ...(received > 0 ? { range: `bytes=0-${received - 1}` } : {}), "content-length": 0 });
  res.end();
}
