import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import type { Fault } from "./faults.js";
import type { FileStore } from "./file-store.js";
import type { TokenRegistry } from "./tokens.js";
import type { UploadSessions } from "./upload-sessions.js";

/** The account's quota: `individual`, or a seat in a team that shares its space. */
export type SpaceAllocation =
  | { kind: "individual"; allocated: number }
  | { kind: "team"; allocated: number; otherMembersUsed: number; userLimit: number };

export interface EmulatorState {
  store: FileStore;
  sessions: UploadSessions;
  tokens: TokenRegistry;
  allocation: SpaceAllocation;
  /** delete_batch jobs by id: the result, handed out once `deleteBatchChecks` checks said in_progress. */
  batchJobs: Map<string, { checks: number; result: unknown }>;
  deleteBatchChecks: number;
}

export interface RouteCall {
  state: EmulatorState;
  req: IncomingMessage;
  /** The route's argument: the JSON body (RPC) or the `Dropbox-API-Arg` header (content routes). */
  arg: Record<string, unknown>;
  /** Form or query parameters (the OAuth endpoints). */
  params: URLSearchParams;
  /** A fault the handler itself applies (dropConnection while reading the body, corrupt at commit). */
  fault: Extract<Fault, { kind: "dropConnection" | "corrupt" }> | undefined;
}

export type RouteResult =
  | { kind: "json"; value: unknown }
  | { kind: "download"; result: unknown; body: Readable; size: number }
  | { kind: "html"; body: string };

export interface RouteDefinition {
  /** "rpc": JSON body; "upload"/"download": argument in the Dropbox-API-Arg header; "oauth": form/query. */
  style: "rpc" | "upload" | "download" | "oauth";
  handle(call: RouteCall): Promise<RouteResult>;
}

export function json(value: unknown): RouteResult {
  return { kind: "json", value };
}
