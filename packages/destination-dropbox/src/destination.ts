import {
  checkKey,
  checkListPrefix,
  type Destination,
  type Logger,
  type PutInfo,
  type StoredObject,
  withDeclaredSize,
} from "@cairn/core";
import type { files, users } from "dropbox";
import { DropboxClient } from "./client.js";
import { downloadStream } from "./download.js";
import { errorSummary } from "./errors.js";
import { dropboxExclusiveObjects } from "./exclusive-objects.js";
import type { DropboxOptions } from "./options.js";
import { dropboxPath, keyOf } from "./paths.js";
import { sleep } from "./retry.js";
import { uploadStream } from "./upload.js";

/** Dropbox's limit for one delete_batch. */
const BATCH_LIMIT = 1000;

export interface DropboxDestination extends Destination {
  /** Deletes many keys with `delete_batch` (a prune of many old backups); missing keys count as done. */
  deleteMany(keys: readonly string[]): Promise<void>;
  freeSpace(): Promise<number>;
}

export function createDropboxDestination(
  options: DropboxOptions,
  ctx: { name: string; logger: Logger },
): DropboxDestination {
  const client = new DropboxClient(options, ctx);
  const root = options.path;
  const pathOf = (key: string) => dropboxPath(root, key);

  return {
    ...dropboxExclusiveObjects(client, pathOf),
    async put(key: string, body, info: PutInfo): Promise<StoredObject> {
      const path = pathOf(key);
      const metadata = await uploadStream(client, withDeclaredSize(body, info.size, key), {
        key,
        path,
        chunkSize: options.chunkSize,
        signal: info.signal,
        destinationName: ctx.name,
      });
      return { key, size: metadata.size, modified: new Date(metadata.server_modified) };
    },

    async *list(prefix: string, listOptions?: { signal?: AbortSignal }): AsyncIterable<StoredObject> {
      checkListPrefix(prefix);
      // List the deepest folder the prefix names, recursively, and keep the keys that match.
      const slash = prefix.lastIndexOf("/");
      const folder = slash > 0 ? pathOf(prefix.slice(0, slash)) : root;
      const what = `listing "${prefix}"`;
      const signal = listOptions?.signal;
      let page: files.ListFolderResult;
      try {
        page = await client.raw(
          what,
          (o) =>
            client.sdk.filesListFolder({ path: folder, recursive: true, limit: options.listPageSize }, o),
          signal,
        );
      } catch (error) {
        if (/^path\/not_found/.test(errorSummary(error))) return;
        throw client.fail(error, what);
      }
      for (;;) {
        for (const entry of page.entries) {
          signal?.throwIfAborted();
          if (entry[".tag"] !== "file" || entry.path_display === undefined) continue;
          const key = keyOf(root, entry.path_display);
          if (key?.startsWith(prefix)) {
            yield { key, size: entry.size, modified: new Date(entry.server_modified) };
          }
        }
        if (!page.has_more) return;
        const cursor = page.cursor;
        page = await client.call(what, (o) => client.sdk.filesListFolderContinue({ cursor }, o), signal);
      }
    },

    async get(key: string, getOptions: { signal: AbortSignal }) {
      return downloadStream(client, pathOf(key), `downloading "${key}"`, getOptions.signal);
    },

    async delete(key: string): Promise<void> {
      const what = `deleting "${key}"`;
      try {
        await client.raw(what, (o) => client.sdk.filesDeleteV2({ path: pathOf(key) }, o));
      } catch (error) {
        if (/^path_lookup\/not_found/.test(errorSummary(error))) return;
        throw client.fail(error, what);
      }
    },

    async deleteMany(keys: readonly string[]): Promise<void> {
      // Every key is checked before the first batch goes out.
      for (const key of keys) checkKey(key);
      for (let start = 0; start < keys.length; start += BATCH_LIMIT) {
        await deleteBatch(client, keys.slice(start, start + BATCH_LIMIT), pathOf);
      }
    },

    async freeSpace(): Promise<number> {
      const usage = await client.call("reading the free space", (o) => client.sdk.usersGetSpaceUsage(o));
      return freeBytes(usage);
    },

    async close(): Promise<void> {},
  };
}

/** Free bytes for the linked user; a team seat is limited by the team's space and its own cap. */
export function freeBytes(usage: users.SpaceUsage): number {
  const allocation = usage.allocation;
  if (allocation[".tag"] === "individual") return Math.max(0, allocation.allocated - usage.used);
  if (allocation[".tag"] === "team") {
    const teamFree = allocation.allocated - allocation.used;
    const own = allocation.user_within_team_space_allocated;
    const userFree = own > 0 ? own - allocation.user_within_team_space_used_cached : Number.POSITIVE_INFINITY;
    return Math.max(0, Math.min(teamFree, userFree));
  }
  return 0;
}

async function deleteBatch(client: DropboxClient, keys: readonly string[], pathOf: (key: string) => string) {
  const what = `deleting ${keys.length} objects`;
  const launch = await client.call(what, (o) =>
    client.sdk.filesDeleteBatch({ entries: keys.map((key) => ({ path: pathOf(key) })) }, o),
  );
  let status: files.DeleteBatchJobStatus | files.DeleteBatchLaunch = launch;
  for (let poll = 0; status[".tag"] === "async_job_id" || status[".tag"] === "in_progress"; poll += 1) {
    const jobId = launch[".tag"] === "async_job_id" ? launch.async_job_id : "";
    await sleep(Math.min(200 * 2 ** poll, 5000));
    status = await client.call(what, (o) => client.sdk.filesDeleteBatchCheck({ async_job_id: jobId }, o));
  }
  if (status[".tag"] !== "complete")
    throw client.fail(new Error(`delete_batch ended ${status[".tag"]}`), what);
  const failed = status.entries.flatMap((entry, i) => {
    if (entry[".tag"] !== "failure") return [];
    const failure = entry.failure as { ".tag": string; path_lookup?: { ".tag": string } };
    return failure[".tag"] === "path_lookup" && failure.path_lookup?.[".tag"] === "not_found"
      ? []
      : [keys[i]];
  });
  if (failed.length > 0) {
    throw client.fail(new Error(`Dropbox could not delete ${failed.join(", ")}`), what);
  }
}
