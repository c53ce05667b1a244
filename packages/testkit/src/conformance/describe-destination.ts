import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";

import { CairnError, type Destination } from "@cairn/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  abortAfter,
  bufferStream,
  collect,
  failingStream,
  randomStream,
  sha256OfStream,
} from "../faults/streams.js";

export interface DestinationUnderTest {
  destination: Destination;
  /** Removes what the suite made (the server, the temp folder); runs once after all tests. */
  cleanup?: () => Promise<void>;
}

export interface DescribeDestinationOptions {
  /** Size of the large-stream test; 64 MiB by default. */
  largeBytes?: number;
  /** Objects put to cross one listing page; set it above the destination's page size. 0 skips. */
  listPageSize?: number;
  /** Per-test timeout in milliseconds; 60 s by default. */
  timeoutMs?: number;
  /** Names of tests to leave out, with a reason in the caller's code. */
  skip?: readonly string[];
}

const signal = () => new AbortController().signal;

async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

async function keysUnder(destination: Destination, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of destination.list(prefix)) keys.push(object.key);
  return keys.sort();
}

/**
 * The conformance suite every destination runs: the obligations documented on the Destination
 * interface (atomic puts, no overwrite, NOT_FOUND, listing, idempotent delete, large streams,
 * odd names). Call it at the top level of a test file; `factory` is called once.
 */
export function describeDestination(
  name: string,
  factory: () => Promise<DestinationUnderTest> | DestinationUnderTest,
  options: DescribeDestinationOptions = {},
): void {
  const timeout = options.timeoutMs ?? 60_000;
  const skip = new Set(options.skip ?? []);
  const test = (title: string, body: () => Promise<void>) =>
    skip.has(title) ? it.skip(title, body) : it(title, body, timeout);

  describe(`${name}: destination conformance`, () => {
    let subject: DestinationUnderTest;
    let dest: Destination;
    // Every test works under its own random prefix, so suites may share one bucket or folder.
    const root = `conformance-${randomBytes(4).toString("hex")}`;
    let n = 0;
    const prefix = () => `${root}/t${++n}`;

    beforeAll(async () => {
      subject = await factory();
      dest = subject.destination;
    }, timeout);
    afterAll(async () => {
      await dest?.close();
      await subject?.cleanup?.();
    }, timeout);

    test("put then get returns the same bytes and reports the size", async () => {
      const key = `${prefix()}/job/backup.zip`;
      const data = randomBytes(200_000);
      const stored = await dest.put(key, bufferStream(data), { size: data.length, signal: signal() });
      expect(stored.key).toBe(key);
      expect(stored.size).toBe(data.length);
      expect((await collect(await dest.get(key, { signal: signal() }))).equals(data)).toBe(true);
    });

    test("puts a zero-byte object", async () => {
      const key = `${prefix()}/empty`;
      const stored = await dest.put(key, bufferStream(Buffer.alloc(0)), { signal: signal() });
      expect(stored.size).toBe(0);
      expect((await collect(await dest.get(key, { signal: signal() }))).length).toBe(0);
    });

    test("refuses to overwrite an existing key with DESTINATION_CONFLICT and keeps the first", async () => {
      const key = `${prefix()}/once`;
      await dest.put(key, bufferStream("first"), { signal: signal() });
      const { error } = await settle(dest.put(key, bufferStream("second"), { signal: signal() }));
      expect(CairnError.is(error, "DESTINATION_CONFLICT")).toBe(true);
      expect((await collect(await dest.get(key, { signal: signal() }))).toString()).toBe("first");
    });

    test("get of a missing key rejects with NOT_FOUND", async () => {
      const { error } = await settle(dest.get(`${prefix()}/missing`, { signal: signal() }));
      expect(CairnError.is(error, "NOT_FOUND")).toBe(true);
    });

    test("lists every key under a prefix once, with sizes, and nothing outside it", async () => {
      const base = prefix();
      await dest.put(`${base}/a/one`, bufferStream("1"), { signal: signal() });
      await dest.put(`${base}/a/deep/two`, bufferStream("22"), { signal: signal() });
      await dest.put(`${base}/b/three`, bufferStream("333"), { signal: signal() });
      const listed: Record<string, number> = {};
      for await (const object of dest.list(`${base}/a/`)) {
        expect(listed[object.key]).toBeUndefined();
        listed[object.key] = object.size;
        expect(object.modified).toBeInstanceOf(Date);
      }
      expect(listed).toEqual({ [`${base}/a/one`]: 1, [`${base}/a/deep/two`]: 2 });
      expect(await keysUnder(dest, `${base}/nothing-here/`)).toEqual([]);
    });

    if ((options.listPageSize ?? 0) > 0) {
      test("lists past the first page", async () => {
        const base = prefix();
        const count = options.listPageSize!;
        const keys = Array.from({ length: count }, (_, i) => `${base}/p/${String(i).padStart(5, "0")}`);
        for (const key of keys) await dest.put(key, bufferStream("x"), { signal: signal() });
        expect(await keysUnder(dest, `${base}/p/`)).toEqual(keys);
      });
    }

    test("delete removes an object, and deleting a missing key succeeds", async () => {
      const key = `${prefix()}/gone`;
      await dest.put(key, bufferStream("bye"), { signal: signal() });
      await dest.delete(key);
      expect(await keysUnder(dest, key)).toEqual([]);
      await dest.delete(key);
      const { error } = await settle(dest.get(key, { signal: signal() }));
      expect(CairnError.is(error, "NOT_FOUND")).toBe(true);
    });

    test("a put whose body fails midway rejects and leaves nothing under the key", async () => {
      const base = prefix();
      const key = `${base}/broken.zip`;
      const { error } = await settle(dest.put(key, failingStream(3 * 1024 * 1024), { signal: signal() }));
      expect(error).toBeDefined();
      expect(await keysUnder(dest, `${base}/`)).toEqual([]);
      expect(CairnError.is((await settle(dest.get(key, { signal: signal() }))).error, "NOT_FOUND")).toBe(
        true,
      );
      // The key is still free for a complete upload.
      await dest.put(key, bufferStream("whole"), { signal: signal() });
    });

    test("shows nothing under the key while a put is still in progress", async () => {
      const base = prefix();
      const key = `${base}/in-flight.zip`;
      const chunk = randomBytes(1024 * 1024);
      let pulled = 0;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      // Two chunks go out, then the body waits: the upload is half done for as long as we like.
      const body = Readable.from(
        (async function* () {
          for (let i = 0; i < 2; i++) {
            pulled++;
            yield chunk;
          }
          await gate;
          yield chunk;
        })(),
        { objectMode: false },
      );
      const upload = settle(dest.put(key, body, { signal: signal() }));
      for (let waited = 0; pulled < 2 && waited < 5000; waited += 10) await sleep(10);
      try {
        expect(pulled).toBe(2);
        expect(await keysUnder(dest, `${base}/`)).toEqual([]);
        expect(CairnError.is((await settle(dest.get(key, { signal: signal() }))).error, "NOT_FOUND")).toBe(
          true,
        );
      } finally {
        release();
      }
      const { value, error } = await upload;
      expect(error).toBeUndefined();
      expect(value?.size).toBe(3 * chunk.length);
      expect(await keysUnder(dest, `${base}/`)).toEqual([key]);
    });

    test("a put aborted through its signal rejects and leaves nothing under the key", async () => {
      const base = prefix();
      const key = `${base}/aborted.zip`;
      const controller = new AbortController();
      const body = abortAfter(randomStream(16 * 1024 * 1024, 3), 2 * 1024 * 1024, controller);
      const { error } = await settle(dest.put(key, body, { signal: controller.signal }));
      expect(error).toBeDefined();
      expect(await keysUnder(dest, `${base}/`)).toEqual([]);
    });

    test("streams a large object through and back with the same SHA-256", async () => {
      const key = `${prefix()}/large.bin`;
      const bytes = options.largeBytes ?? 64 * 1024 * 1024;
      const expected = await sha256OfStream(randomStream(bytes, 11));
      const stored = await dest.put(key, randomStream(bytes, 11), { size: bytes, signal: signal() });
      expect(stored.size).toBe(bytes);
      expect(await sha256OfStream(await dest.get(key, { signal: signal() }))).toBe(expected);
    });

    test("keeps unicode and spaces in names", async () => {
      const base = prefix();
      const key = `${base}/Jahresabschluss 2026 – Büro ✓/db 1.zip`;
      await dest.put(key, bufferStream("ü"), { signal: signal() });
      expect(await keysUnder(dest, `${base}/`)).toEqual([key]);
      expect((await collect(await dest.get(key, { signal: signal() }))).toString()).toBe("ü");
    });

    test("deletes many keys at once, missing ones counting as done, where it can", async () => {
      if (!dest.deleteMany) return;
      const base = prefix();
      const keys = ["a.zip", "b.zip", "c.zip"].map((name) => `${base}/${name}`);
      for (const key of keys) await dest.put(key, bufferStream(key), { signal: signal() });
      await dest.deleteMany([keys[0]!, keys[1]!, `${base}/never-there.zip`]);
      expect(await keysUnder(dest, `${base}/`)).toEqual([keys[2]]);
    });

    test("reports its free space as a positive number, where it can", async () => {
      if (!dest.freeSpace) return;
      const free = await dest.freeSpace();
      expect(Number.isFinite(free)).toBe(true);
      expect(free).toBeGreaterThan(0);
    });

    test("can be closed twice", async () => {
      const extra = await factory();
      await extra.destination.close();
      await extra.destination.close();
      await extra.cleanup?.();
    });
  });
}
