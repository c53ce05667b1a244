import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { createMemoryDestination } from "../memory-destination.js";
import { bandwidthOf, limitDestination } from "./limit-destination.js";
import { parseBandwidth } from "./schedule.js";

describe("limitDestination", () => {
  it("keeps every method of the plugin's destination, and passes the bytes through unchanged", async () => {
    const plain = createMemoryDestination();
    const limited = limitDestination(plain, bandwidthOf({ upload: parseBandwidth("100MiB/s") }));
    for (const name of Object.keys(plain) as (keyof typeof plain)[]) {
      expect(typeof (limited as typeof plain)[name], name).toBe(typeof plain[name]);
    }
    const signal = new AbortController().signal;
    await limited.put("j/a", Readable.from([Buffer.from("hello "), Buffer.from("world")]), { signal });
    expect((await buffer(await limited.get("j/a", { signal }))).toString()).toBe("hello world");
  });
});
