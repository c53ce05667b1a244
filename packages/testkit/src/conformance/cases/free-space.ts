import type { CaseGroup } from "../case-context.js";

export const freeSpaceCases: CaseGroup = {
  name: "freeSpace",
  capability: "freeSpace",
  define({ test, expect }) {
    test("reports its free space as a whole number of bytes above zero", async (dest) => {
      const free = await dest.freeSpace!();
      expect(Number.isSafeInteger(free)).toBe(true);
      expect(free).toBeGreaterThan(0);
    });
  },
};
