import { bufferStream } from "../../faults/streams.js";
import type { CaseGroup } from "../case-context.js";
import { codeOf, keysUnder, settle, signal } from "../helpers.js";

export const deleteCases: CaseGroup = {
  name: "delete",
  capability: "delete",
  define({ test, expect }) {
    test("delete removes an object, and deleting a missing key succeeds", async (dest, base) => {
      const key = `${base}/gone`;
      await dest.put(key, bufferStream("bye"), { signal: signal() });
      await dest.put(`${base}/stays`, bufferStream("hi"), { signal: signal() });
      await dest.delete(key);
      expect(await keysUnder(dest, `${base}/`)).toEqual([`${base}/stays`]);
      await dest.delete(key);
      await dest.delete(`${base}/never-there/at-all`);
      expect(codeOf((await settle(() => dest.get(key, { signal: signal() }))).error)).toBe("NOT_FOUND");
    });

    test("a deleted key can be put again", async (dest, base) => {
      const key = `${base}/again`;
      await dest.put(key, bufferStream("one"), { signal: signal() });
      await dest.delete(key);
      await dest.put(key, bufferStream("two"), { signal: signal() });
      expect(await keysUnder(dest, `${base}/`)).toEqual([key]);
    });
  },
};
