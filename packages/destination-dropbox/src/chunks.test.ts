import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { chunksOf } from "./chunks.js";

async function sizes(parts: Buffer[], size: number) {
  const out: [number, boolean][] = [];
  for await (const chunk of chunksOf(Readable.from(parts), size)) out.push([chunk.data.length, chunk.final]);
  return out;
}

describe("chunksOf", () => {
  it("cuts any piece sizes into exact chunks and a final remainder", async () => {
    expect(await sizes([Buffer.alloc(3), Buffer.alloc(9), Buffer.alloc(1)], 4)).toEqual([
      [4, false],
      [4, false],
      [4, false],
      [1, true],
    ]);
  });

  it("ends with an empty final chunk when the data is a whole number of chunks, or empty", async () => {
    expect(await sizes([Buffer.alloc(8)], 4)).toEqual([
      [4, false],
      [4, false],
      [0, true],
    ]);
    expect(await sizes([], 4)).toEqual([[0, true]]);
  });

  it("keeps the bytes in order", async () => {
    const data = Buffer.from("abcdefghij");
    const out: Buffer[] = [];
    for await (const chunk of chunksOf(Readable.from([data.subarray(0, 3), data.subarray(3)]), 4))
      out.push(Buffer.from(chunk.data));
    expect(Buffer.concat(out).toString()).toBe("abcdefghij");
  });
});
