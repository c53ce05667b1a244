import { silentLogger } from "@cairn/core";
import { describe, expect, it } from "vitest";
import { createGcsDestination } from "./destination.js";
import { gcsOptions, normalizePrefix } from "./options.js";

describe("GCS options", () => {
  it("normalises the prefix to a folder", () => {
    expect(normalizePrefix("")).toBe("");
    expect(normalizePrefix("cairn")).toBe("cairn/");
    expect(normalizePrefix("/a/b/")).toBe("a/b/");
  });

  it("refuses keyFile and credentials together, unknown keys, and chunk sizes off the 256 KiB grid", () => {
    expect(gcsOptions.safeParse({ bucket: "bkt", keyFile: "k.json", credentials: "{}" }).success).toBe(false);
    expect(gcsOptions.safeParse({ bucket: "bkt", buckit: "x" }).success).toBe(false);
    expect(gcsOptions.safeParse({ bucket: "bkt", chunkSize: 300_000 }).success).toBe(false);
    expect(gcsOptions.parse({ bucket: "bkt" })).toMatchObject({
      prefix: "",
      chunkSize: 8 * 1024 * 1024,
      maxRetries: 5,
    });
  });

  it("says credentials are not a key without quoting them", () => {
    const options = gcsOptions.parse({ bucket: "bkt", credentials: "not json but s3cr3t" });
    expect(() => createGcsDestination(options, { baseDir: ".", logger: silentLogger })).toThrow(
      expect.objectContaining({ code: "CONFIG_INVALID", message: expect.not.stringContaining("s3cr3t") }),
    );
  });

  it("names a key file that cannot be read, with the fix", () => {
    const options = gcsOptions.parse({ bucket: "bkt", keyFile: "missing-key.json" });
    expect(() => createGcsDestination(options, { baseDir: "/nonexistent", logger: silentLogger })).toThrow(
      expect.objectContaining({
        code: "DESTINATION_AUTH",
        message: expect.stringContaining("/nonexistent/missing-key.json"),
      }),
    );
  });
});
