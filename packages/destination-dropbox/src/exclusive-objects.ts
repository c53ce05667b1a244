import { CairnError, type ExclusiveObjects } from "@cairn/core";
import type { files } from "dropbox";
import type { DropboxClient } from "./client.js";
import { errorSummary } from "./errors.js";

/**
 * What a lease needs, with Dropbox's own compare-and-swap: every write gives a file a new rev;
 * `mode: add` writes only where nothing is, `mode: update` overwrites only the rev named (with
 * strict_conflict, also when the file has gone), and delete_v2's `parent_rev` deletes only that
 * rev. autorename stays off: a conflict is an answer, never a renamed copy.
 */
export function dropboxExclusiveObjects(
  client: DropboxClient,
  pathOf: (key: string) => string,
): ExclusiveObjects {
  const upload = async (key: string, body: Buffer, mode: files.WriteMode, signal: AbortSignal) => {
    const metadata = await client.call(
      `writing "${key}"`,
      (o) =>
        client.sdk.filesUpload(
          { path: pathOf(key), mode, autorename: false, strict_conflict: true, mute: true, contents: body },
          o,
        ),
      signal,
    );
    return metadata.rev;
  };

  return {
    createExclusive: (key, body, { signal }) => upload(key, body, { ".tag": "add" }, signal),

    async readVersioned(key, { signal }) {
      // A lease is a few hundred bytes: the SDK's buffering download is fine here.
      const result = (await client.call(
        `reading "${key}"`,
        (o) => client.sdk.filesDownload({ path: pathOf(key) }, o),
        signal,
      )) as files.FileMetadata & { fileBinary?: Buffer };
      return { body: Buffer.from(result.fileBinary ?? Buffer.alloc(0)), version: result.rev };
    },

    async replaceIfVersion(key, body, version, { signal }) {
      return upload(key, body, { ".tag": "update", update: version }, signal).catch((error: unknown) => {
        if (CairnError.is(error, "NOT_FOUND")) {
          throw new CairnError("DESTINATION_CONFLICT", `"${key}" is gone since it was read`, {
            cause: error,
          });
        }
        throw error;
      });
    },

    async deleteIfVersion(key, version, { signal }) {
      const what = `deleting "${key}"`;
      try {
        await client.raw(
          what,
          (o) => client.sdk.filesDeleteV2({ path: pathOf(key), parent_rev: version }, o),
          signal,
        );
      } catch (error) {
        const summary = errorSummary(error);
        if (/^path_lookup\/not_found/.test(summary)) return;
        if (summary.startsWith("path_write") || summary.includes("conflict")) {
          throw new CairnError("DESTINATION_CONFLICT", `"${key}" changed since it was read (${summary})`, {
            cause: error,
          });
        }
        throw client.fail(error, what);
      }
    },
  };
}
