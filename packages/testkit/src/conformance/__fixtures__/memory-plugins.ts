// Memory destinations for describe-destination.test.ts: one right, and some with one flaw each.
import type { Readable } from "node:stream";
import {
  checkKey,
  createMemoryDestination,
  type Destination,
  type DestinationCapabilities,
  defineDestination,
  PLUGIN_API_VERSION,
  type StoredObject,
} from "@cairn/core";
import { z } from "zod";
import { bufferStream } from "../../faults/streams.js";

const options = z.strictObject({ listPageSize: z.number().int().positive().default(3) });

function memoryPlugin(type: string, capabilities: DestinationCapabilities, make: (pageSize: number) => Destination) {
  return defineDestination({
    type,
    apiVersion: PLUGIN_API_VERSION,
    options,
    capabilities,
    create: (o) => make(o.listPageSize),
  });
}

/** core's reference destination with every capability: everything passes. */
export const reference = memoryPlugin(
  "memory",
  { delete: true, freeSpace: true, deleteMany: true, exclusiveCreate: true, compareAndSwap: true },
  (listPageSize) =>
  createMemoryDestination({ listPageSize, deleteMany: true }),
);

/** Right, but declares neither freeSpace nor deleteMany (and has neither): those are skipped, not passed. */
export const plain = memoryPlugin("plain-memory", { delete: true, freeSpace: false }, (listPageSize) => {
  const { freeSpace: _, ...rest } = createMemoryDestination({ listPageSize });
  return rest;
});

/** Declares freeSpace, but this instance's "server" cannot tell it: reported unavailable, skipped. */
export const probed = memoryPlugin("probed-memory", { delete: true, freeSpace: true }, (listPageSize) => ({
  ...createMemoryDestination({ listPageSize }),
  unavailableCapabilities: async () => ({ freeSpace: "the server lacks the statvfs extension" }),
}));

/** Stores whatever arrives, whatever size the caller declared. */
export const sizeBlind = memoryPlugin("size-blind", { delete: true, freeSpace: false }, (listPageSize) => {
  const { freeSpace: _, ...inner } = createMemoryDestination({ listPageSize });
  return { ...inner, put: (key, body, info) => inner.put(key, body, { signal: info.signal }) };
});

/** Takes any key as a name, `../x` included, as a naive join of folder and key would. */
export const pathNaive = memoryPlugin("path-naive", { delete: true, freeSpace: false }, (listPageSize) => {
  const inner = createMemoryDestination({ listPageSize });
  const loose = new Map<string, Buffer>();
  const isOurs = (key: string) => {
    try {
      return checkKey(key) === key;
    } catch {
      return false;
    }
  };
  return {
    ...inner,
    freeSpace: undefined,
    async put(key: string, body: Readable, info): Promise<StoredObject> {
      if (isOurs(key)) return inner.put(key, body, info);
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(chunk as Buffer);
      loose.set(key, Buffer.concat(chunks));
      return { key, size: loose.get(key)!.length, modified: new Date() };
    },
    async get(key, o) {
      return isOurs(key) ? inner.get(key, o) : bufferStream(loose.get(key) ?? Buffer.alloc(0));
    },
    async delete(key) {
      if (isOurs(key)) await inner.delete(key);
      else loose.delete(key);
    },
  };
});

/** Declares freeSpace and has no such method. */
export const missingMethod = memoryPlugin("missing-method", { delete: true, freeSpace: true }, (listPageSize) => {
  const { freeSpace: _, ...rest } = createMemoryDestination({ listPageSize });
  return rest;
});

/** Has a deleteMany it does not declare: prune would call a method the suite never tested. */
export const undeclared = memoryPlugin("undeclared-method", { delete: true, freeSpace: true }, (listPageSize) =>
  createMemoryDestination({ listPageSize, deleteMany: true }),
);

/** Lists only the first page. */
export const onePage = memoryPlugin("one-page", { delete: true, freeSpace: true }, (listPageSize) => {
  const inner = createMemoryDestination({ listPageSize });
  return {
    ...inner,
    async *list(prefix: string, o?: { signal?: AbortSignal }) {
      let n = 0;
      for await (const object of inner.list(prefix, o)) if (n++ < listPageSize) yield object;
    },
  };
});

/** Ignores the listing's signal. */
export const deafList = memoryPlugin("deaf-list", { delete: true, freeSpace: true }, (listPageSize) => {
  const inner = createMemoryDestination({ listPageSize });
  return { ...inner, list: (prefix: string) => inner.list(prefix) };
});

/** Gets the easy parts right, but overwrites, shows half uploads, and has no NOT_FOUND nor key check. */
export const sloppy = memoryPlugin("sloppy", { delete: true, freeSpace: false }, () => {
  const objects = new Map<string, Buffer>();
  return {
    async put(key: string, body: Readable): Promise<StoredObject> {
      objects.set(key, Buffer.alloc(0));
      for await (const chunk of body) objects.set(key, Buffer.concat([objects.get(key)!, chunk as Buffer]));
      return { key, size: objects.get(key)!.length, modified: new Date() };
    },
    async *list(prefix: string) {
      for (const [key, data] of objects) if (key.startsWith(prefix)) yield { key, size: data.length, modified: new Date() };
    },
    async get(key: string) {
      return bufferStream(objects.get(key) ?? Buffer.alloc(0));
    },
    async delete(key: string) {
      if (!objects.delete(key)) throw new Error(`no ${key}`);
    },
    async close() {},
  };
});
