import { truncate } from "node:fs/promises";
import { badRequest, routeError } from "./api-error.js";
import { checkCallHash, commitBlob, contentHashOfFile, readCommitInfo } from "./commit-upload.js";
import { json, type RouteCall, type RouteDefinition } from "./context.js";
import { toMetadata } from "./metadata.js";
import { appendBody } from "./receive-body.js";
import type { UploadSession } from "./upload-sessions.js";

const upload: RouteDefinition = {
  style: "upload",
  async handle(call) {
    const blob = call.state.store.newBlobPath();
    const size = await appendBody(call.req, blob, 0, call.fault);
    const commit = readCommitInfo(call.arg);
    if (typeof call.arg.content_hash === "string") {
      checkCallHash(call.arg.content_hash, await contentHashOfFile(blob));
    }
    const file = await commitBlob(
      call.state,
      blob,
      size,
      commit,
      (reason) => routeError({ ".tag": "path", reason, upload_session_id: "" }),
      call.fault?.kind === "corrupt",
    );
    return json(toMetadata({ kind: "file", ...file }));
  },
};

const start: RouteDefinition = {
  style: "upload",
  async handle(call) {
    const session = await call.state.sessions.start();
    await appendTo(session, call, "start");
    session.closed = call.arg.close === true;
    return json({ session_id: session.id });
  },
};

const appendV2: RouteDefinition = {
  style: "upload",
  async handle(call) {
    const session = lookup(call, readCursor(call.arg), (lookupError) => lookupError);
    await appendTo(session, call, "append");
    if (call.arg.close === true) session.closed = true;
    return json(null);
  },
};

const finish: RouteDefinition = {
  style: "upload",
  async handle(call) {
    const session = lookup(call, readCursor(call.arg), (lookupError) => ({
      ".tag": "lookup_failed",
      lookup_failed: lookupError,
    }));
    await appendTo(session, call, "finish");
    const commitArg = call.arg.commit;
    if (typeof commitArg !== "object" || commitArg === null) {
      throw badRequest('Error in call to API function "files/upload_session/finish": missing "commit"');
    }
    session.busy = true;
    try {
      const file = await commitBlob(
        call.state,
        session.blob,
        session.offset,
        readCommitInfo(commitArg as Record<string, unknown>),
        (writeError) => routeError({ ".tag": "path", path: writeError }),
        call.fault?.kind === "corrupt",
      );
      call.state.sessions.finished(session.id);
      return json(toMetadata({ kind: "file", ...file }));
    } catch (error) {
      // A refused commit ends the session, as the service does: the data is gone.
      call.state.sessions.finished(session.id);
      throw error;
    } finally {
      session.busy = false;
    }
  },
};

function readCursor(arg: Record<string, unknown>): { sessionId: string; offset: number } {
  const cursor = arg.cursor as { session_id?: unknown; offset?: unknown } | undefined;
  if (typeof cursor?.session_id !== "string" || typeof cursor.offset !== "number") {
    throw badRequest('Error in call to API function: "cursor" needs "session_id" and "offset"');
  }
  return { sessionId: cursor.session_id, offset: cursor.offset };
}

/** Finds the session and checks the offset; `wrap` places an UploadSessionLookupError in the route's union. */
function lookup(
  call: RouteCall,
  cursor: { sessionId: string; offset: number },
  wrap: (lookupError: Record<string, unknown>) => Record<string, unknown>,
): UploadSession {
  const session = call.state.sessions.get(cursor.sessionId);
  if (!session) throw routeError(wrap({ ".tag": "not_found" }));
  if (session.closed && !("commit" in call.arg)) throw routeError(wrap({ ".tag": "closed" }));
  if (cursor.offset !== session.offset || session.busy) {
    throw routeError(wrap({ ".tag": "incorrect_offset", correct_offset: session.offset }));
  }
  return session;
}

async function appendTo(session: UploadSession, call: RouteCall, what: string): Promise<void> {
  session.busy = true;
  try {
    const before = session.offset;
    const received = await appendBody(call.req, session.blob, before, call.fault);
    if (received > 0 && session.closed) throw badRequest(`upload session is closed; cannot ${what} data`);
    if (typeof call.arg.content_hash === "string") {
      try {
        checkCallHash(call.arg.content_hash, await contentHashOfFile(session.blob, before));
      } catch (error) {
        await truncate(session.blob, before);
        throw error;
      }
    }
    session.offset = before + received;
  } finally {
    session.busy = false;
  }
}

export const uploadRoutes: Record<string, RouteDefinition> = {
  "files/upload": upload,
  "files/upload_session/start": start,
  "files/upload_session/append_v2": appendV2,
  "files/upload_session/finish": finish,
};
