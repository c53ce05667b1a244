import { randomBytes } from "node:crypto";
import { badRequest, lookupNotFound, routeError } from "./api-error.js";
import { json, type RouteCall, type RouteDefinition } from "./context.js";
import { lowerPath } from "./file-store.js";
import { spaceUsage, toMetadata } from "./metadata.js";
import { checkPath } from "./paths.js";

interface ListCursor {
  path: string;
  recursive: boolean;
  limit: number;
  /** The lower-cased path of the last entry handed out. */
  after: string;
}

const DEFAULT_LIST_LIMIT = 500;

function listPage(call: RouteCall, cursor: ListCursor): Record<string, unknown> {
  const all = call.state.store.listFolder(cursor.path, cursor.recursive);
  const rest = all.filter((entry) => lowerPath(entry.pathDisplay) > cursor.after);
  const page = rest.slice(0, cursor.limit);
  const last = page.at(-1);
  const next: ListCursor = { ...cursor, after: last ? lowerPath(last.pathDisplay) : cursor.after };
  return {
    entries: page.map(toMetadata),
    cursor: Buffer.from(JSON.stringify(next)).toString("base64url"),
    has_more: rest.length > page.length,
  };
}

const listFolder: RouteDefinition = {
  style: "rpc",
  async handle(call) {
    const path = checkPath(call.arg.path, "path", true);
    if (path !== "") {
      const folder = call.state.store.get(path);
      if (!folder) throw lookupNotFound();
      if (folder.kind !== "folder") throw routeError({ ".tag": "path", path: { ".tag": "not_folder" } });
    }
    const limit = call.arg.limit === undefined ? DEFAULT_LIST_LIMIT : Number(call.arg.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 2000) {
      throw badRequest('Error in call to API function "files/list_folder": limit: must be 1 to 2000');
    }
    return json(listPage(call, { path, recursive: call.arg.recursive === true, limit, after: "" }));
  },
};

const listFolderContinue: RouteDefinition = {
  style: "rpc",
  async handle(call) {
    let cursor: ListCursor;
    try {
      cursor = JSON.parse(Buffer.from(String(call.arg.cursor), "base64url").toString("utf8")) as ListCursor;
    } catch {
      throw badRequest('Error in call to API function "files/list_folder/continue": invalid cursor');
    }
    if (cursor.path !== "" && call.state.store.get(cursor.path)?.kind !== "folder") {
      throw routeError({ ".tag": "reset" });
    }
    return json(listPage(call, cursor));
  },
};

const download: RouteDefinition = {
  style: "download",
  async handle(call) {
    const path = checkPath(call.arg.path, "path");
    const entry = call.state.store.get(path);
    if (!entry) throw lookupNotFound();
    if (entry.kind !== "file") throw routeError({ ".tag": "path", path: { ".tag": "not_file" } });
    return {
      kind: "download",
      result: toMetadata(entry),
      body: call.state.store.open(entry),
      size: entry.size,
    };
  },
};

const getMetadata: RouteDefinition = {
  style: "rpc",
  async handle(call) {
    const entry = call.state.store.get(checkPath(call.arg.path, "path"));
    if (!entry) throw lookupNotFound();
    return json(toMetadata(entry));
  },
};

async function deleteOne(
  call: RouteCall,
  rawPath: unknown,
  parentRev?: unknown,
): Promise<Record<string, unknown>> {
  const path = checkPath(rawPath, "path_lookup");
  const existing = call.state.store.get(path);
  // parent_rev: delete only the file of that rev. The spec names no tag for a mismatch; the
  // emulator answers the WriteError conflict that a mismatched update rev gets.
  if (typeof parentRev === "string" && existing) {
    if (existing.kind !== "file") throw badRequest("parent_rev does not support deleting a folder");
    if (existing.rev !== parentRev)
      throw routeError({
        ".tag": "path_write",
        path_write: { ".tag": "conflict", conflict: { ".tag": "file" } },
      });
  }
  const removed = await call.state.store.remove(path);
  if (!removed) throw lookupNotFound("path_lookup");
  return { metadata: toMetadata(removed) };
}

const deleteV2: RouteDefinition = {
  style: "rpc",
  async handle(call) {
    return json(await deleteOne(call, call.arg.path, call.arg.parent_rev));
  },
};

const deleteBatch: RouteDefinition = {
  style: "rpc",
  async handle(call) {
    const entries = Array.isArray(call.arg.entries) ? (call.arg.entries as { path?: unknown }[]) : [];
    if (entries.length > 1000) throw badRequest("entries: at most 1000 items");
    const results: unknown[] = [];
    for (const entry of entries) {
      try {
        results.push({ ".tag": "success", ...(await deleteOne(call, entry.path)) });
      } catch (error) {
        const failure = (error as { error?: unknown }).error;
        if (failure === undefined) throw error;
        results.push({ ".tag": "failure", failure });
      }
    }
    const result = { ".tag": "complete", entries: results };
    if (call.state.deleteBatchChecks === 0) return json(result);
    const id = `dbjid:${randomBytes(12).toString("hex")}`;
    call.state.batchJobs.set(id, { checks: 0, result });
    return json({ ".tag": "async_job_id", async_job_id: id });
  },
};

const deleteBatchCheck: RouteDefinition = {
  style: "rpc",
  async handle(call) {
    const job = call.state.batchJobs.get(String(call.arg.async_job_id));
    if (!job) throw routeError({ ".tag": "invalid_async_job_id" });
    job.checks += 1;
    return json(job.checks <= call.state.deleteBatchChecks ? { ".tag": "in_progress" } : job.result);
  },
};

const createFolderV2: RouteDefinition = {
  style: "rpc",
  async handle(call) {
    const path = checkPath(call.arg.path, "path");
    const conflict = call.state.store.conflictAt(path);
    if (conflict)
      throw routeError({ ".tag": "path", path: { ".tag": "conflict", conflict: { ".tag": conflict } } });
    call.state.store.ensureFolders(path);
    const folder = call.state.store.get(path);
    return json({ metadata: folder ? toMetadata(folder) : null });
  },
};

const getSpaceUsage: RouteDefinition = {
  style: "rpc",
  async handle(call) {
    return json(spaceUsage(call.state));
  },
};

export const fileRoutes: Record<string, RouteDefinition> = {
  "files/list_folder": listFolder,
  "files/list_folder/continue": listFolderContinue,
  "files/download": download,
  "files/get_metadata": getMetadata,
  "files/delete_v2": deleteV2,
  "files/delete_batch": deleteBatch,
  "files/delete_batch/check": deleteBatchCheck,
  "files/create_folder_v2": createFolderV2,
  "users/get_space_usage": getSpaceUsage,
};
