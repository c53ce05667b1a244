import { randomBytes } from "node:crypto";
import { inflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { DeflateLanes } from "./deflate-lanes.js";
import { deflateInParallel } from "./parallel-deflate.js";

async function* chunks(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

describe("deflateInParallel", () => {
  it.each([
    ["tiny chunks", 1000],
    ["large chunks", 700_000],
  ])("makes one deflate stream of a large content given in %s", async (_, size) => {
    const text = Buffer.from(
      Array.from({ length: 60_000 }, (_, i) => `row ${i % 977};${(i * 7919) % 10007};note\n`).join(""),
    );
    const content = Buffer.concat([text, randomBytes(300_000), text]);
    const lanes = new DeflateLanes(6, 3);
    try {
      const out: Buffer[] = [];
      for await (const piece of deflateInParallel(chunks(content, size), lanes)) out.push(piece);
      const packed = Buffer.concat(out);
      expect(inflateRawSync(packed).equals(content)).toBe(true);
      expect(packed.length).toBeLessThan(content.length * 0.6);
    } finally {
      lanes.close();
    }
  });

  it("passes on a failure of the content", async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(600_000, "a");
      throw new Error("EIO: the disk went away");
    }
    const lanes = new DeflateLanes(6, 2);
    try {
      const drain = async () => {
        for await (const _ of deflateInParallel(failing(), lanes));
      };
      await expect(drain()).rejects.toThrow(/EIO/);
    } finally {
      lanes.close();
    }
  });
});
