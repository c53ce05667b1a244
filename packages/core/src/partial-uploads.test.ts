import { describe, expect, it } from "vitest";
import { isPartialName, partialName, STALE_UPLOAD_AGE_MS, stalePartials } from "./partial-uploads.js";

describe("partial uploads", () => {
  it("names each upload apart, hidden, and recognises only those names", () => {
    const a = partialName("db-20261122T030000Z-k3f9.zip");
    expect(a).toMatch(/^\.db-20261122T030000Z-k3f9\.zip\.[0-9a-f]{12}\.partial$/);
    expect(partialName("db-20261122T030000Z-k3f9.zip")).not.toBe(a);
    expect(isPartialName(a)).toBe(true);
    expect(isPartialName("notes.partial")).toBe(false);
    expect(isPartialName("db-20261122T030000Z-k3f9.zip")).toBe(false);
  });

  it("finds the partial files of cairn's backups older than a day, and nothing else", () => {
    const now = Date.parse("2026-12-02T12:00:00Z");
    const old = new Date(now - STALE_UPLOAD_AGE_MS - 1000);
    const young = new Date(now - STALE_UPLOAD_AGE_MS + 60_000);
    const files = [
      { name: partialName("db-20261101T030000Z-k3f9.zip"), modified: old },
      { name: partialName("db-20261201T030000Z-a1b2.tar.gz"), modified: young },
      { name: partialName("notes.txt"), modified: old },
      { name: ".notes.zip.0123456789ab.partial", modified: old },
      { name: "db-20261101T030000Z-k3f9.zip", modified: old },
    ];
    expect(stalePartials("db", files, now)).toEqual([files[0]!.name]);
    // A backup name of another job is not this folder's.
    expect(stalePartials("other/deeper", files, now)).toEqual([]);
  });
});
