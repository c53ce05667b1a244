import { describe, expect, it } from "vitest";
import { entryNameFrom, entryNameSchema } from "./entry-name.js";

describe("entry names", () => {
  it("keeps a database name that could escape the archive folder to one safe segment", () => {
    expect(entryNameFrom("shop", ".dump")).toBe("shop.dump");
    expect(entryNameFrom("../etc/passwd", ".sql")).toBe("__etc_passwd.sql");
    expect(entryNameSchema.safeParse(entryNameFrom("..", ".sql")).success).toBe(true);
  });

  it("refuses names that would leave the restore folder", () => {
    for (const name of ["/etc/a", "../a", "a/../b", "a\\b", "a//b", ""]) {
      expect(entryNameSchema.safeParse(name).success, name).toBe(false);
    }
    expect(entryNameSchema.safeParse("dumps/app.sql").success).toBe(true);
  });
});
