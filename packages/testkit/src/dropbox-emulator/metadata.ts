import type { EmulatorState } from "./context.js";
import { lowerPath, nameOf, type StoredEntry } from "./file-store.js";

/** Dropbox timestamps: ISO 8601 in UTC, to the second. */
export function dropboxTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** An entry as the API's Metadata union (FileMetadata or FolderMetadata). */
export function toMetadata(entry: StoredEntry): Record<string, unknown> {
  const common = {
    name: nameOf(entry.pathDisplay),
    path_lower: lowerPath(entry.pathDisplay),
    path_display: entry.pathDisplay,
    id: entry.id,
  };
  if (entry.kind === "folder") return { ".tag": "folder", ...common };
  return {
    ".tag": "file",
    ...common,
    client_modified: dropboxTimestamp(entry.clientModified),
    server_modified: dropboxTimestamp(entry.serverModified),
    rev: entry.rev,
    size: entry.size,
    is_downloadable: true,
    content_hash: entry.contentHash,
  };
}

/** Bytes the user may still write, the way the real quota is enforced. */
export function freeBytes(state: EmulatorState): number {
  const used = state.store.usedBytes();
  const allocation = state.allocation;
  if (allocation.kind === "individual") return allocation.allocated - used;
  const teamFree = allocation.allocated - allocation.otherMembersUsed - used;
  return allocation.userLimit > 0 ? Math.min(teamFree, allocation.userLimit - used) : teamFree;
}

export function spaceUsage(state: EmulatorState): Record<string, unknown> {
  const used = state.store.usedBytes();
  const allocation = state.allocation;
  if (allocation.kind === "individual") {
    return { used, allocation: { ".tag": "individual", allocated: allocation.allocated } };
  }
  return {
    used,
    allocation: {
      ".tag": "team",
      used: allocation.otherMembersUsed + used,
      allocated: allocation.allocated,
      user_within_team_space_allocated: allocation.userLimit,
      user_within_team_space_limit_type: { ".tag": allocation.userLimit > 0 ? "stop_sync" : "off" },
      user_within_team_space_used_cached: used,
    },
  };
}
