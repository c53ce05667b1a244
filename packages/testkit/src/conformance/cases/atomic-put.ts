import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { abortAfter, bufferStream, failingStream, randomStream } from "../../faults/streams.js";
import type { CaseGroup } from "../case-context.js";
import { codeOf, keysUnder, settle, signal } from "../helpers.js";

/** A put is all or nothing: restic's incomplete-upload cases, and what an interrupted run leaves. */
export const atomicPut: CaseGroup = {
  name: "atomic put",
  define({ test, expect }) {
    test("a put whose body fails midway rejects and leaves nothing under the key", async (dest, base) => {
      const key = `${base}/broken.zip`;
      const { error } = await settle(() =>
        dest.put(key, failingStream(3 * 1024 * 1024), { signal: signal() }),
      );
      expect(error).toBeDefined();
      expect(await keysUnder(dest, `${base}/`)).toEqual([]);
      expect(codeOf((await settle(() => dest.get(key, { signal: signal() }))).error)).toBe("NOT_FOUND");
      // The key is still free for a complete upload.
      await dest.put(key, bufferStream("whole"), { signal: signal() });
    });

    test("a put aborted through its signal rejects and leaves nothing under the key", async (dest, base) => {
      const key = `${base}/aborted.zip`;
      const controller = new AbortController();
      const body = abortAfter(randomStream(16 * 1024 * 1024, 3), 2 * 1024 * 1024, controller);
      const { error } = await settle(() => dest.put(key, body, { signal: controller.signal }));
      expect(error).toBeDefined();
      expect(await keysUnder(dest, `${base}/`)).toEqual([]);
    });

    test("a body shorter than its declared size is refused with SIZE_MISMATCH and leaves nothing", async (dest, base) => {
      const key = `${base}/short.zip`;
      const data = randomBytes(300_000);
      const { error } = await settle(() =>
        dest.put(key, bufferStream(data), { size: data.length + 42, signal: signal() }),
      );
      expect(codeOf(error)).toBe("SIZE_MISMATCH");
      expect(await keysUnder(dest, `${base}/`)).toEqual([]);
    });

    test("a body longer than its declared size is refused with SIZE_MISMATCH and leaves nothing", async (dest, base) => {
      const key = `${base}/long.zip`;
      const data = randomBytes(300_000);
      const { error } = await settle(() =>
        dest.put(key, bufferStream(data), { size: data.length - 1, signal: signal() }),
      );
      expect(codeOf(error)).toBe("SIZE_MISMATCH");
      expect(await keysUnder(dest, `${base}/`)).toEqual([]);
    });

    test("shows nothing under the key while a put is still in progress", async (dest, base) => {
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
      const upload = settle(() => dest.put(key, body, { signal: signal() }));
      for (let waited = 0; pulled < 2 && waited < 5000; waited += 10) await sleep(10);
      try {
        expect(pulled).toBe(2);
        expect(await keysUnder(dest, `${base}/`)).toEqual([]);
        expect(codeOf((await settle(() => dest.get(key, { signal: signal() }))).error)).toBe("NOT_FOUND");
      } finally {
        release();
      }
      const { value, error } = await upload;
      expect(error).toBeUndefined();
      expect(value?.size).toBe(3 * chunk.length);
      expect(await keysUnder(dest, `${base}/`)).toEqual([key]);
    });
  },
};
