import { Readable } from "node:stream";
import type { Destination, ExclusiveObjects, PutInfo, StoredObject } from "./contracts/destination.js";
import { withDeclaredSize } from "./declared-size.js";
import { checkKey, checkListPrefix } from "./destination-keys.js";
import { CairnError } from "./errors.js";

export interface MemoryDestinationOptions {
  /** Capacity in bytes: a put that would go past it fails with DESTINATION_QUOTA, as a full disk does. */
  freeBytes?: number;
  /** Objects per listing page; the listing yields a page, then looks at the store again. 100 by default. */
  listPageSize?: number;
  /** Offer deleteMany(), as a service with a batch call does. */
  deleteMany?: boolean;
}

export type MemoryDestination = Destination &
  ExclusiveObjects & {
    /** The stored objects, for tests to inspect or tamper with. */
    readonly objects: Map<string, { data: Buffer; modified: Date }>;
    freeSpace(): Promise<number>;
  };

/**
 * A destination that keeps objects in memory, honouring every obligation of the Destination
 * contract (the conformance suite runs on it in testkit's own tests). For tests of the pipeline
 * and of plugins' callers; never for real backups.
 */
export function createMemoryDestination(options: MemoryDestinationOptions = {}): MemoryDestination {
  const objects = new Map<string, { data: Buffer; modified: Date }>();
  const used = () => [...objects.values()].reduce((sum, o) => sum + o.data.length, 0);
  const capacity = options.freeBytes === undefined ? undefined : used() + options.freeBytes;
  const pageSize = options.listPageSize ?? 100;

  let generation = 0;
  const versions = new Map<string, string>();
  const store = (key: string, body: Buffer): string => {
    objects.set(key, { data: Buffer.from(body), modified: new Date() });
    const version = String(++generation);
    versions.set(key, version);
    return version;
  };
  const versionOf = (key: string): string | undefined => {
    if (!objects.has(key)) return undefined;
    // An object put() stored, or one a test set by hand, gets its version on first sight.
    if (!versions.has(key)) versions.set(key, String(++generation));
    return versions.get(key);
  };
  const changed = (key: string) =>
    new CairnError("DESTINATION_CONFLICT", `"${key}" changed in the memory destination`);

  const destination: MemoryDestination = {
    objects,
    // One thread, no await between the check and the write: compare-and-swap for free.
    async createExclusive(key: string, body: Buffer) {
      if (objects.has(checkKey(key))) throw conflict(key);
      return store(key, body);
    },
    async readVersioned(key: string) {
      const object = objects.get(checkKey(key));
      if (!object) throw new CairnError("NOT_FOUND", `no object "${key}" in the memory destination`);
      return { body: Buffer.from(object.data), version: versionOf(key)! };
    },
    async replaceIfVersion(key: string, body: Buffer, version: string) {
      if (versionOf(checkKey(key)) !== version) throw changed(key);
      return store(key, body);
    },
    async deleteIfVersion(key: string, version: string) {
      const current = versionOf(checkKey(key));
      if (current === undefined) return;
      if (current !== version) throw changed(key);
      objects.delete(key);
      versions.delete(key);
    },
    async put(key: string, body: Readable, info: PutInfo): Promise<StoredObject> {
      checkKey(key);
      if (objects.has(key)) throw conflict(key);
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of withDeclaredSize(body, info.size, key)) {
        info.signal.throwIfAborted();
        const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
        size += buffer.length;
        if (capacity !== undefined && used() + size > capacity) {
          body.destroy();
          throw new CairnError("DESTINATION_QUOTA", `memory destination is full writing "${key}"`, {
            hint: "free space at the destination or lower the retention limits",
          });
        }
        chunks.push(buffer);
      }
      info.signal.throwIfAborted();
      // Checked again at the end: the key may have been taken while this upload ran.
      if (objects.has(key)) throw conflict(key);
      const modified = new Date();
      objects.set(key, { data: Buffer.concat(chunks), modified });
      versions.delete(key);
      return { key, size, modified };
    },
    async *list(prefix: string, listOptions?: { signal?: AbortSignal }) {
      checkListPrefix(prefix);
      // Paged like a service's listing: each page starts after the last key of the one before.
      let after: string | undefined;
      for (;;) {
        listOptions?.signal?.throwIfAborted();
        const page = [...objects.keys()]
          .filter((key) => key.startsWith(prefix) && (after === undefined || key > after))
          .sort()
          .slice(0, pageSize);
        for (const key of page) {
          listOptions?.signal?.throwIfAborted();
          const object = objects.get(key);
          if (object) yield { key, size: object.data.length, modified: object.modified };
        }
        if (page.length < pageSize) return;
        after = page.at(-1);
      }
    },
    async get(key: string) {
      const object = objects.get(checkKey(key));
      if (!object) throw new CairnError("NOT_FOUND", `no object "${key}" in the memory destination`);
      return Readable.from([object.data]);
    },
    async delete(key: string) {
      objects.delete(checkKey(key));
      versions.delete(key);
    },
    async freeSpace() {
      return capacity === undefined ? Number.MAX_SAFE_INTEGER : capacity - used();
    },
    async close() {},
  };
  if (options.deleteMany) {
    destination.deleteMany = async (keys: readonly string[]) => {
      for (const key of keys) checkKey(key);
      for (const key of keys) {
        objects.delete(key);
        versions.delete(key);
      }
    };
  }
  return destination;
}

function conflict(key: string): CairnError {
  return new CairnError("DESTINATION_CONFLICT", `"${key}" already exists in the memory destination`);
}
