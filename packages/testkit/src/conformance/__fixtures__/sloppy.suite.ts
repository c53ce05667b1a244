// Run by describe-destination.test.ts in a child vitest: the suite must catch every flaw here.
import type { Readable } from "node:stream";
import type { Destination, StoredObject } from "@cairn/core";
import { bufferStream } from "../../faults/streams.js";
import { describeDestination } from "../describe-destination.js";

/** Stores in memory and gets the easy parts right, but overwrites, shows half uploads, and throws on a missing delete. */
function sloppyDestination(): Destination {
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
}

describeDestination("sloppy", () => ({ destination: sloppyDestination() }), { largeBytes: 4 * 1024 * 1024 });
