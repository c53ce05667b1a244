import { rm, writeFile } from "node:fs/promises";
import type { Readable } from "node:stream";
import { contentHashOfFile } from "./commit-upload.js";
import type { EmulatorState, SpaceAllocation } from "./context.js";
import { FaultPlan } from "./faults.js";
import { FileStore } from "./file-store.js";
import { type CallRecord, listen } from "./server.js";
import { TokenRegistry } from "./tokens.js";
import { UploadSessions } from "./upload-sessions.js";

export interface DropboxEmulatorOptions {
  /** The account's space in bytes (an individual account). Default 2 GiB, Dropbox Basic's. */
  quota?: number;
  /** Seat in a team instead: the team's space, what the other members use, and the member's own limit (0: none). */
  team?: { allocated: number; otherMembersUsed?: number; userLimit?: number };
  /** Lifetime of access tokens, as announced in `expires_in` and enforced. Default 14400 (4 hours). */
  accessTokenTtlSeconds?: number;
  /**
   * How many `delete_batch/check` calls answer `in_progress` before the result. Default 1, so a
   * client must really poll; 0 completes the batch at launch, which the spec also allows
   * (`DeleteBatchLaunch.complete`), for tests about something else that prune many times.
   */
  deleteBatchChecks?: number;
}

export interface RateLimitFault {
  times?: number;
  /** Calls of the route to let through first. */
  after?: number;
  retryAfterSeconds?: number;
  reason?: "too_many_requests" | "too_many_write_operations";
}

export interface DropboxEmulator {
  /** `http://127.0.0.1:<port>`: serves the API, content and OAuth routes on one port. */
  readonly url: string;
  /**
   * A fetch that sends the Dropbox hosts' URLs to the emulator. Give it to the SDK as
   * `new Dropbox({ fetch })`, which also hands it to the auth object for token refreshes.
   */
  readonly fetch: typeof globalThis.fetch;
  /** Every request received, in order, with its HTTP status (-1: the connection was dropped). */
  readonly calls: CallRecord[];
  /** Registers an app; without a secret it can only use PKCE, as a desktop tool does. */
  addApp(appKey: string, appSecret?: string): void;
  /** A refresh token for the app, as if a person had linked it. */
  issueRefreshToken(appKey: string): string;
  /** As when the person unlinks the app: the refresh token and its access tokens stop working. */
  revokeRefreshToken(token: string): void;
  /** Every access token issued so far answers 401 expired_access_token from now on. */
  expireAccessTokens(): void;
  /** Access tokens die this many seconds after issue while still announcing their full lifetime. */
  expireAccessTokensAfter(seconds: number): void;
  setAllocation(allocation: SpaceAllocation): void;
  readonly faults: {
    rateLimit(route: string, options?: RateLimitFault): void;
    serverError(route: string, options?: { times?: number; after?: number; status?: number }): void;
    /**
     * Cuts the connection: after `afterBytes` of the body (the call does not happen), or with
     * `applyBeforeDrop` after the call took effect (only the response is lost).
     */
    dropConnection(
      route: string,
      options?: { times?: number; after?: number; afterBytes?: number; applyBeforeDrop?: boolean },
    ): void;
    /** The next upload committed by this route (`files/upload` or `.../finish`) is stored with a flipped byte. */
    corrupt(route: string, options?: { times?: number; after?: number }): void;
    clear(): void;
  };
  /** Puts a file in the account directly (a backup made earlier, another app's file). */
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
  readFile(path: string): Promise<Buffer>;
  /** A file's bytes as a stream, for files too large to read at once. */
  openFile(path: string): Readable;
  /** The display paths of every file in the account, sorted. */
  filePaths(): string[];
  usedBytes(): number;
  /** Upload sessions started and not finished. */
  openSessions(): number;
  close(): Promise<void>;
}

const DROPBOX_HOSTS = /^https:\/\/((api|content|api-content|www)\.)?dropbox(api)?\.com\//;

/** Starts an in-process Dropbox API v2 emulator on 127.0.0.1 and a free port. */
export async function startDropboxEmulator(options: DropboxEmulatorOptions = {}): Promise<DropboxEmulator> {
  const store = await FileStore.create();
  const tokens = new TokenRegistry();
  if (options.accessTokenTtlSeconds !== undefined) tokens.accessTokenTtl = options.accessTokenTtlSeconds;
  const state: EmulatorState = {
    store,
    sessions: new UploadSessions(store),
    tokens,
    batchJobs: new Map(),
    deleteBatchChecks: options.deleteBatchChecks ?? 1,
    allocation: options.team
      ? {
          kind: "team",
          allocated: options.team.allocated,
          otherMembersUsed: options.team.otherMembersUsed ?? 0,
          userLimit: options.team.userLimit ?? 0,
        }
      : { kind: "individual", allocated: options.quota ?? 2 * 1024 ** 3 },
  };
  const faults = new FaultPlan();
  const calls: CallRecord[] = [];
  const server = await listen(state, faults, calls);
  const rewrite = (input: string) => input.replace(DROPBOX_HOSTS, `${server.url}/`);

  return {
    url: server.url,
    calls,
    fetch: (input, init) => {
      const target = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      return globalThis.fetch(rewrite(target), init);
    },
    addApp: (appKey, appSecret) => tokens.addApp(appKey, appSecret),
    issueRefreshToken: (appKey) => tokens.issueRefreshToken(appKey),
    revokeRefreshToken: (token) => tokens.revokeRefreshToken(token),
    expireAccessTokens: () => tokens.expireAccessTokens(),
    expireAccessTokensAfter(seconds) {
      tokens.expireEarlyBy = tokens.accessTokenTtl - seconds;
    },
    setAllocation(allocation) {
      state.allocation = allocation;
    },
    faults: {
      rateLimit(route, o = {}) {
        const fault = {
          kind: "rateLimit" as const,
          reason: o.reason ?? "too_many_requests",
          retryAfterSeconds: o.retryAfterSeconds ?? 1,
        };
        faults.add(route, fault, o);
      },
      serverError(route, o = {}) {
        faults.add(route, { kind: "serverError", status: o.status ?? 500 }, o);
      },
      dropConnection(route, o = {}) {
        const fault = {
          kind: "dropConnection" as const,
          afterBytes: o.afterBytes ?? 1,
          applyBeforeDrop: o.applyBeforeDrop ?? false,
        };
        faults.add(route, fault, o);
      },
      corrupt(route, o = {}) {
        faults.add(route, { kind: "corrupt" }, o);
      },
      clear: () => faults.clear(),
    },
    async writeFile(path, data) {
      const blob = store.newBlobPath();
      await writeFile(blob, data);
      const size = typeof data === "string" ? Buffer.byteLength(data) : data.length;
      await store.commit(path, blob, { size, contentHash: await contentHashOfFile(blob) });
    },
    readFile: (path) => store.read(path),
    openFile(path) {
      const entry = store.get(path);
      if (entry?.kind !== "file") throw new Error(`no file at ${path} in the Dropbox emulator`);
      return store.open(entry);
    },
    filePaths: () =>
      [...store.entries.values()]
        .filter((e) => e.kind === "file")
        .map((e) => e.pathDisplay)
        .sort(),
    usedBytes: () => store.usedBytes(),
    openSessions: () => state.sessions.sessions.size,
    async close() {
      await server.close();
      await state.sessions.discardAll();
      await rm(store.dir, { recursive: true, force: true });
    },
  };
}
