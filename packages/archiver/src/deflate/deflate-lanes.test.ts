import { randomBytes } from "node:crypto";
import { inflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { DeflateLanes } from "./deflate-lanes.js";

describe("DeflateLanes", () => {
  it("gives each buffer a deflate stream that inflates on its own, also when lanes are shared", async () => {
    const lanes = new DeflateLanes(6, 2);
    try {
      // Repeated content across buffers: a lane that kept its dictionary would refer back to it.
      const inputs = Array.from({ length: 200 }, (_, i) =>
        i % 3 === 0 ? randomBytes(3000) : Buffer.from(`shared words ${i % 7} `.repeat(200 + i)),
      );
      inputs.push(Buffer.alloc(0));
      const packed = await Promise.all(inputs.map((input) => lanes.deflate(input)));
      for (const [i, input] of inputs.entries()) {
        expect(inflateRawSync(packed[i]!).equals(input)).toBe(true);
      }
      expect(packed[1]!.length).toBeLessThan(inputs[1]!.length / 5);
    } finally {
      lanes.close();
    }
  });
});
