import { bufferStream } from "../../faults/streams.js";
import type { CaseGroup } from "../case-context.js";
import { codeOf, keysUnder, settle, signal } from "../helpers.js";

/**
 * Keys that would leave the destination's folder or mean something else to another service. A
 * destination refuses them the way core's checkKey does, before it touches its storage.
 */
const hostile = (base: string): [string, string][] => [
  ["a parent reference", "../x"],
  ["a parent reference inside", `${base}/../../x`],
  ["an absolute path", `/${base}/x`],
  ["a backslash", `${base}\\..\\x`],
  ["a NUL byte", `${base}/x\u0000.zip`],
  ["an empty part", `${base}//x`],
  ["a part longer than 255 bytes", `${base}/${"n".repeat(256)}`],
  ["a key longer than 1024 bytes", `${base}/${"d/".repeat(520)}x`],
];

export const hostileKeys: CaseGroup = {
  name: "hostile keys",
  define({ test, expect }) {
    test("put, get and delete refuse hostile keys with DESTINATION_KEY_INVALID and store nothing", async (dest, base) => {
      for (const [what, key] of hostile(base)) {
        const put = await settle(() => dest.put(key, bufferStream("evil"), { signal: signal() }));
        expect(codeOf(put.error), `put of a key with ${what}`).toBe("DESTINATION_KEY_INVALID");
        const get = await settle(() => dest.get(key, { signal: signal() }));
        expect(codeOf(get.error), `get of a key with ${what}`).toBe("DESTINATION_KEY_INVALID");
        const removal = await settle(() => dest.delete(key));
        expect(codeOf(removal.error), `delete of a key with ${what}`).toBe("DESTINATION_KEY_INVALID");
      }
      expect(await keysUnder(dest, `${base}/`)).toEqual([]);
    });

    test("list refuses a prefix that leaves the destination", async (dest, base) => {
      for (const prefix of ["../", "/", `${base}/../`, `${base}\\`]) {
        const { error } = await settle(() => keysUnder(dest, prefix));
        expect(codeOf(error), `list of ${JSON.stringify(prefix)}`).toBe("DESTINATION_KEY_INVALID");
      }
    });
  },
};
