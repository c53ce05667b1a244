import { describe, expect, it } from "vitest";
import { archiveKey, formatStamp, manifestKey, newBackupId, parseKey } from "./naming.js";

describe("backup naming", () => {
  const time = new Date("2026-11-22T03:00:00.123Z");

  it("names a backup after its job and UTC time to the second", () => {
    const id = newBackupId("db", time);
    expect(id).toMatch(/^db-20261122T030000Z-[a-z0-9]{4}$/);
    expect(archiveKey("db", id, ".zip")).toBe(`db/${id}.zip`);
    expect(manifestKey("db", id)).toBe(`db/${id}.manifest.json`);
  });

  it("reads back every key it makes", () => {
    const id = newBackupId("db", time);
    for (const [key, kind, extension] of [
      ...[".zip", ".tar", ".tar.gz", ".tar.zst", ".zip.age", ".tar.zst.age"].map(
        (ext) => [archiveKey("db", id, ext), "archive", ext] as const,
      ),
      [manifestKey("db", id), "manifest", ".manifest.json"],
    ] as const) {
      const parsed = parseKey(key);
      expect(parsed).toMatchObject({ job: "db", id, kind, time: new Date("2026-11-22T03:00:00Z") });
      expect(parsed?.extension).toBe(extension);
    }
  });

  it("ignores keys it did not make, so foreign files are never counted or deleted", () => {
    for (const key of [
      "db/notes.txt",
      "db/db-20261122T030000Z.zip",
      "db/db-20261122T030000Z-k3f9.zip.partial",
      "db/db-20261122T030000Z-k3f9.age",
      "db/db-20261122T030000Z-k3f9.zip.age.partial",
      "db/db-20261122T030000Z-k3f9.manifest.json.age",
      "db/db-20261122T030000Z-K3F9.zip",
      "other/db/db-20261122T030000Z-k3f9.zip",
      "db-20261122T030000Z-k3f9.zip",
      "db/.cairn-tmp-1234",
    ]) {
      expect(parseKey(key), key).toBeUndefined();
    }
  });

  it("formats stamps without separators", () => {
    expect(formatStamp(time)).toBe("20261122T030000Z");
  });
});
