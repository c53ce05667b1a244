import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { abortAfter, bufferStream, collect, failingStream, randomStream, sha256OfStream } from "./streams.js";

describe("randomStream", () => {
  it("yields exactly the bytes asked for, the same for the same seed and different for another", async () => {
    const a = await collect(randomStream(100_003, 5));
    expect(a.length).toBe(100_003);
    expect((await collect(randomStream(100_003, 5))).equals(a)).toBe(true);
    expect((await collect(randomStream(100_003, 6))).equals(a)).toBe(false);
    expect((await collect(randomStream(0))).length).toBe(0);
  });

  it("generates bytes as they are read, so even a 1 TiB stream starts at once", async () => {
    // Buffered up front, this could not fit in memory; generated on demand, it reads like any other.
    const huge = randomStream(2 ** 40, 2);
    let read = 0;
    for await (const chunk of huge) {
      read += (chunk as Buffer).length;
      if (read >= 8 * 1024 * 1024) break;
    }
    expect(read).toBeGreaterThanOrEqual(8 * 1024 * 1024);
    expect(huge.destroyed).toBe(true);
  });
});

describe("failingStream", () => {
  it("delivers the given number of bytes, then fails with the given error", async () => {
    const error = new Error("disk unplugged");
    let seen = 0;
    const read = (async () => {
      for await (const chunk of failingStream(70_000, error)) seen += (chunk as Buffer).length;
    })();
    await expect(read).rejects.toBe(error);
    expect(seen).toBe(70_000);
  });
});

describe("abortAfter", () => {
  it("aborts the controller once the reader has taken the given number of bytes", async () => {
    const controller = new AbortController();
    const body = abortAfter(randomStream(1024 * 1024, 1), 200_000, controller);
    let seenAtAbort = -1;
    let seen = 0;
    for await (const chunk of body) {
      seen += (chunk as Buffer).length;
      if (controller.signal.aborted && seenAtAbort < 0) seenAtAbort = seen;
    }
    expect(controller.signal.aborted).toBe(true);
    expect(seenAtAbort).toBeGreaterThanOrEqual(200_000);
    expect(seenAtAbort).toBeLessThan(200_000 + 128 * 1024);
  });

  it("does not abort a reader that has not read yet", async () => {
    const controller = new AbortController();
    const body = abortAfter(randomStream(1024 * 1024, 1), 1000, controller);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(controller.signal.aborted).toBe(false);
    body.destroy();
  });
});

describe("sha256OfStream and bufferStream", () => {
  it("hashes what the stream carries", async () => {
    expect(await sha256OfStream(bufferStream("abc"))).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    expect(await sha256OfStream(Readable.from([Buffer.from("a"), Buffer.from("bc")]))).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });
});
