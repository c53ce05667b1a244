import { bufferStream } from "../../faults/streams.js";
import type { CaseGroup } from "../case-context.js";
import { codeOf, keysUnder, settle, signal } from "../helpers.js";

export const deleteManyCases: CaseGroup = {
  name: "deleteMany",
  capability: "deleteMany",
  define({ test, expect }) {
    test("deletes many keys at once, missing ones counting as done", async (dest, base) => {
      const keys = ["a.zip", "b.zip", "c.zip"].map((name) => `${base}/${name}`);
      for (const key of keys) await dest.put(key, bufferStream(key), { signal: signal() });
      await dest.deleteMany!([keys[0]!, keys[1]!, `${base}/never-there.zip`]);
      expect(await keysUnder(dest, `${base}/`)).toEqual([keys[2]]);
    });

    test("refuses a batch with a hostile key before deleting any of it", async (dest, base) => {
      const key = `${base}/kept.zip`;
      await dest.put(key, bufferStream("kept"), { signal: signal() });
      const { error } = await settle(() => dest.deleteMany!([key, "../x"]));
      expect(codeOf(error)).toBe("DESTINATION_KEY_INVALID");
      expect(await keysUnder(dest, `${base}/`)).toEqual([key]);
    });
  },
};
