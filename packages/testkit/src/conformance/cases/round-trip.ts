import { randomBytes } from "node:crypto";
import { bufferStream, collect, randomStream, sha256OfStream } from "../../faults/streams.js";
import type { CaseGroup } from "../case-context.js";
import { codeOf, keysUnder, settle, signal } from "../helpers.js";

/** Bytes in, the same bytes out; names as users write them; NOT_FOUND and no overwrite. */
export const roundTrip: CaseGroup = {
  name: "put and get",
  define({ test, expect, settings }) {
    test("put then get returns the same bytes and reports the size", async (dest, base) => {
      const key = `${base}/job/backup.zip`;
      const data = randomBytes(200_000);
      const stored = await dest.put(key, bufferStream(data), { size: data.length, signal: signal() });
      expect(stored.key).toBe(key);
      expect(stored.size).toBe(data.length);
      expect((await collect(await dest.get(key, { signal: signal() }))).equals(data)).toBe(true);
    });

    test("puts a zero-byte and a one-byte object", async (dest, base) => {
      for (const data of [Buffer.alloc(0), Buffer.from("x")]) {
        const key = `${base}/size-${data.length}`;
        const stored = await dest.put(key, bufferStream(data), { size: data.length, signal: signal() });
        expect(stored.size).toBe(data.length);
        expect((await collect(await dest.get(key, { signal: signal() }))).equals(data)).toBe(true);
      }
    });

    test("streams a large object through and back with the same SHA-256", async (dest, base) => {
      const key = `${base}/large.bin`;
      const bytes = settings.largeBytes;
      const expected = await sha256OfStream(randomStream(bytes, 11));
      const stored = await dest.put(key, randomStream(bytes, 11), { size: bytes, signal: signal() });
      expect(stored.size).toBe(bytes);
      expect(await sha256OfStream(await dest.get(key, { signal: signal() }))).toBe(expected);
    });

    test("keeps unicode, spaces and dots in names", async (dest, base) => {
      const key = `${base}/Jahresabschluss 2026 – Büro ✓/..db 1.tar.gz`;
      await dest.put(key, bufferStream("ü"), { signal: signal() });
      expect(await keysUnder(dest, `${base}/`)).toEqual([key]);
      expect((await collect(await dest.get(key, { signal: signal() }))).toString()).toBe("ü");
    });

    test("refuses to overwrite an existing key with DESTINATION_CONFLICT and keeps the first", async (dest, base) => {
      const key = `${base}/once`;
      await dest.put(key, bufferStream("first"), { signal: signal() });
      const { error } = await settle(() => dest.put(key, bufferStream("second"), { signal: signal() }));
      expect(codeOf(error)).toBe("DESTINATION_CONFLICT");
      expect((await collect(await dest.get(key, { signal: signal() }))).toString()).toBe("first");
    });

    test("get of a missing key rejects with NOT_FOUND", async (dest, base) => {
      const { error } = await settle(() => dest.get(`${base}/missing`, { signal: signal() }));
      expect(codeOf(error)).toBe("NOT_FOUND");
    });
  },
};
