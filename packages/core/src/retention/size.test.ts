import { describe, expect, it } from "vitest";
import { formatBytes, parseSize } from "./size.js";

describe("parseSize", () => {
  it("reads GB as decimal and GiB and bare G as binary", () => {
    expect(parseSize("20GB")).toBe(20_000_000_000);
    expect(parseSize("20GiB")).toBe(20 * 1024 ** 3);
    expect(parseSize("20G")).toBe(20 * 1024 ** 3);
    expect(parseSize("500 MB")).toBe(500_000_000);
    expect(parseSize("1kb")).toBe(1000);
  });

  it("takes decimals and rounds down, and numbers as bytes", () => {
    expect(parseSize("1.5GB")).toBe(1_500_000_000);
    expect(parseSize("1.5K")).toBe(1536);
    expect(parseSize("0.3B")).toBe(0);
    expect(parseSize(12345)).toBe(12345);
  });

  it.each(["twenty GB", "20XB", "-5GB", "", "1e9"])("refuses %j", (text) => {
    expect(() => parseSize(text)).toThrow(/cannot read size/);
  });

  it("refuses negative and infinite numbers", () => {
    expect(() => parseSize(-1)).toThrow();
    expect(() => parseSize(Number.POSITIVE_INFINITY)).toThrow();
  });

  it("prints sizes people can read", () => {
    expect(formatBytes(812)).toBe("812 B");
    expect(formatBytes(20_000_000_000)).toBe("20.0 GB");
    expect(formatBytes(1_500_000)).toBe("1.50 MB");
  });
});
