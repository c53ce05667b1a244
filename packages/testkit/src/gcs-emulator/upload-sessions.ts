import { randomUUID } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { InsertMetadata } from "./context.js";
import { ObjectHasher } from "./hashes.js";
import { ApiError } from "./json-errors.js";
import type { Preconditions, StoredObjectRecord } from "./records.js";

export interface UploadSession {
  id: string;
  bucket: string;
  name: string;
  insert: InsertMetadata;
  preconditions: Preconditions;
  /** The bytes received so far live here until the upload finishes. */
  file: string;
  received: number;
  hasher: ObjectHasher;
  /** Set once the upload finished: later status queries answer with it. */
  result?: StoredObjectRecord;
  /** Requests on one session run one at a time (a retry may arrive while a cut request still drains). */
  queue: Promise<unknown>;
}

/** Resumable upload sessions. A session that never finishes never becomes an object. */
export class UploadSessions {
  private readonly sessions = new Map<string, UploadSession>();

  constructor(private readonly dir: string) {}

  async start(bucket: string, name: string, insert: InsertMetadata, preconditions: Preconditions) {
    const id = randomUUID().replaceAll("-", "");
    const session: UploadSession = {
      id,
      bucket,
      name,
      insert,
      preconditions,
      file: join(this.dir, `upload-${id}`),
      received: 0,
      hasher: new ObjectHasher(),
      queue: Promise.resolve(),
    };
    await writeFile(session.file, "");
    this.sessions.set(id, session);
    return session;
  }

  get(id: string): UploadSession {
    const session = this.sessions.get(id);
    if (!session)
      throw new ApiError(
        404,
        "No such upload session: it was cancelled, finished with an error, or never existed.",
      );
    return session;
  }

  /** Sessions still open: tests check that an abandoned upload was cancelled. */
  openCount(): number {
    return [...this.sessions.values()].filter((s) => !s.result).length;
  }

  async remove(id: string): Promise<void> {
    const session = this.sessions.get(id);
    this.sessions.delete(id);
    if (session) await rm(session.file, { force: true });
  }

  /** Runs `work` after every earlier request on the same session. */
  serialize<T>(session: UploadSession, work: () => Promise<T>): Promise<T> {
    const run = session.queue.then(work, work);
    session.queue = run.catch(() => undefined);
    return run;
  }
}
