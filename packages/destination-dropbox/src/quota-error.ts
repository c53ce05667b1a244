import { CairnError, formatBytes } from "@cairn/core";
import type { DropboxClient } from "./client.js";
import type { UploadTarget } from "./upload.js";

/** A full account, said with its numbers where Dropbox gives them, and what to do about it. */
export async function quotaError(
  client: DropboxClient,
  target: UploadTarget,
  sent: number,
  cause: unknown,
): Promise<CairnError> {
  const usage = await client
    .raw("reading the quota", (o) => client.sdk.usersGetSpaceUsage(o))
    .catch(() => undefined);
  const numbers = usage ? `; ${formatBytes(usage.used)} of ${formatBytes(allocatedOf(usage))} used` : "";
  return new CairnError(
    "DESTINATION_QUOTA",
    `Dropbox destination "${target.destinationName}": the account is full; "${target.key}" (${formatBytes(sent)} sent so far) does not fit${numbers}. Nothing was stored`,
    {
      cause,
      hint: "free space in the Dropbox account, set `minFreeSpace` in the job's retention, or move to a larger plan",
    },
  );
}

function allocatedOf(usage: { allocation: { ".tag": string; allocated?: number } }): number {
  return usage.allocation.allocated ?? 0;
}
