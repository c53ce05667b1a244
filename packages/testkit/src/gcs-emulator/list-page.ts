import type { StoredObjectRecord } from "./records.js";

export interface ListQuery {
  prefix: string;
  delimiter?: string;
  maxResults: number;
  pageToken?: string;
}

/**
 * One page of a listing, in name order as Cloud Storage returns it: objects, and with a delimiter
 * the "folders" (prefixes) once each; the page token is the last name given, encoded.
 */
export function listPage(objects: ReadonlyMap<string, StoredObjectRecord>, query: ListQuery) {
  const after = query.pageToken ? Buffer.from(query.pageToken, "base64url").toString("utf8") : undefined;
  const names = [...objects.keys()].filter((n) => n.startsWith(query.prefix)).sort();
  const items: StoredObjectRecord[] = [];
  const prefixes = new Set<string>();
  let last: string | undefined;
  let more = false;
  for (const name of names) {
    const entry = groupOf(name, query.prefix, query.delimiter) ?? name;
    if (after !== undefined && entry <= after) continue;
    if (items.length + prefixes.size >= query.maxResults) {
      more = true;
      break;
    }
    if (entry !== name) {
      if (prefixes.has(entry)) continue;
      prefixes.add(entry);
    } else {
      items.push(objects.get(name) as StoredObjectRecord);
    }
    last = entry;
  }
  const nextPageToken =
    more && last !== undefined ? Buffer.from(last, "utf8").toString("base64url") : undefined;
  return { items, prefixes: [...prefixes], nextPageToken };
}

function groupOf(name: string, prefix: string, delimiter: string | undefined): string | undefined {
  if (!delimiter) return undefined;
  const at = name.indexOf(delimiter, prefix.length);
  return at === -1 ? undefined : name.slice(0, at + delimiter.length);
}
