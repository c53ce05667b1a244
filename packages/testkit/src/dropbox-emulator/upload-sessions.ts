import { randomBytes } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import type { FileStore } from "./file-store.js";

export interface UploadSession {
  id: string;
  blob: string;
  /** Bytes received so far: the only offset an append may start at. */
  offset: number;
  closed: boolean;
  /** Set while a call is appending, so two calls never write at once. */
  busy: boolean;
}

export class UploadSessions {
  readonly sessions = new Map<string, UploadSession>();

  constructor(private readonly store: FileStore) {}

  async start(): Promise<UploadSession> {
    const session: UploadSession = {
      id: `emu-session-${randomBytes(16).toString("hex")}`,
      blob: this.store.newBlobPath(),
      offset: 0,
      closed: false,
      busy: false,
    };
    await writeFile(session.blob, "");
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string): UploadSession | undefined {
    return this.sessions.get(id);
  }

  /** Forgets a committed session; its blob now belongs to the store. */
  finished(id: string): void {
    this.sessions.delete(id);
  }

  async discardAll(): Promise<void> {
    for (const session of this.sessions.values()) await rm(session.blob, { force: true });
    this.sessions.clear();
  }
}
