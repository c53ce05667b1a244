import { isAbortError } from "@cairn/core";
import { bufferStream } from "../../faults/streams.js";
import type { CaseGroup } from "../case-context.js";
import { keysUnder, settle, signal } from "../helpers.js";

/** Listing: each key once, every page, nothing outside the prefix, and it stops when aborted. */
export const listing: CaseGroup = {
  name: "list",
  define({ test, expect, settings }) {
    test("lists every key under a prefix once, with sizes, and nothing outside it", async (dest, base) => {
      await dest.put(`${base}/a/one`, bufferStream("1"), { signal: signal() });
      await dest.put(`${base}/a/deep/two`, bufferStream("22"), { signal: signal() });
      await dest.put(`${base}/ab/three`, bufferStream("333"), { signal: signal() });
      const listed: Record<string, number> = {};
      for await (const object of dest.list(`${base}/a/`)) {
        expect(listed[object.key]).toBeUndefined();
        listed[object.key] = object.size;
        expect(object.modified).toBeInstanceOf(Date);
      }
      expect(listed).toEqual({ [`${base}/a/one`]: 1, [`${base}/a/deep/two`]: 2 });
      // A prefix may end inside a name, as cairn's `job/job-2026` does.
      expect(await keysUnder(dest, `${base}/a`)).toEqual([
        `${base}/a/deep/two`,
        `${base}/a/one`,
        `${base}/ab/three`,
      ]);
      expect(await keysUnder(dest, `${base}/nothing-here/`)).toEqual([]);
    });

    test("lists past the first page", async (dest, base) => {
      // Two full pages and one more, in two folders, as restic lists with a small page size.
      const count = 2 * settings.listPageSize + 1;
      const keys = Array.from(
        { length: count },
        (_, i) => `${base}/${i % 2 ? "odd" : "even"}/${String(i).padStart(5, "0")}`,
      );
      for (const key of keys) await dest.put(key, bufferStream("x"), { signal: signal() });
      const listed: string[] = [];
      for await (const object of dest.list(`${base}/`)) listed.push(object.key);
      expect(listed.length).toBe(count);
      expect(listed.sort()).toEqual([...keys].sort());
    });

    test("a listing whose signal is aborted yields nothing more and rejects", async (dest, base) => {
      for (const name of ["a", "b", "c"])
        await dest.put(`${base}/${name}`, bufferStream(name), { signal: signal() });

      const before = new AbortController();
      before.abort(new DOMException("aborted by the test", "AbortError"));
      const seenBefore: string[] = [];
      const early = await settle(async () => {
        for await (const object of dest.list(`${base}/`, { signal: before.signal }))
          seenBefore.push(object.key);
      });
      expect(seenBefore).toEqual([]);
      expect(isAbortError(early.error)).toBe(true);

      const during = new AbortController();
      const seenDuring: string[] = [];
      const late = await settle(async () => {
        for await (const object of dest.list(`${base}/`, { signal: during.signal })) {
          seenDuring.push(object.key);
          during.abort(new DOMException("aborted by the test", "AbortError"));
        }
      });
      expect(seenDuring.length).toBe(1);
      expect(isAbortError(late.error)).toBe(true);
    });
  },
};
