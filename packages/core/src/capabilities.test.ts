import { describe, expect, it } from "vitest";
import { z } from "zod";
import { checkCapabilities, declaredCapabilities, freeSpaceOf } from "./capabilities.js";
import { defineDestination, PLUGIN_API_VERSION } from "./define.js";
import { CairnError } from "./errors.js";
import { createMemoryDestination } from "./memory-destination.js";

const definition = (capabilities: Record<string, boolean>) => ({
  type: "shelf",
  apiVersion: PLUGIN_API_VERSION,
  options: z.strictObject({}),
  capabilities: capabilities as { delete: boolean; freeSpace: boolean },
  create: () => createMemoryDestination(),
});

describe("destination capabilities", () => {
  it("refuses a plugin that says its put is not atomic, and ignores atomicPut: true", () => {
    const error = (() => {
      try {
        defineDestination(definition({ atomicPut: false, delete: true, freeSpace: false }));
      } catch (e) {
        return e;
      }
    })();
    expect(CairnError.is(error, "PLUGIN_INVALID")).toBe(true);
    expect((error as Error).message).toMatch(/atomicPut: false/);
    const old = defineDestination(definition({ atomicPut: true, delete: true, freeSpace: false }));
    expect(declaredCapabilities(old.capabilities)).toEqual(["delete"]);
  });

  it("finds a declared method missing after create(), deleteMany included", () => {
    const dest = createMemoryDestination();
    expect(() => checkCapabilities("shelf", { delete: true, freeSpace: true }, dest)).not.toThrow();
    expect(() =>
      checkCapabilities("shelf", { delete: true, freeSpace: true, deleteMany: true }, dest),
    ).toThrow(/declares capabilities it does not implement: deleteMany/);
  });

  it("tells no free space for a destination whose server cannot, without asking it", async () => {
    const dest = createMemoryDestination({ freeBytes: 100 });
    expect(await freeSpaceOf(dest)).toBe(100);
    const blind = {
      ...dest,
      unavailableCapabilities: async () => ({ freeSpace: "no statvfs" }),
      freeSpace: async () => {
        throw new Error("must not be asked");
      },
    };
    expect(await freeSpaceOf(blind)).toBeUndefined();
    const { freeSpace: _, ...without } = dest;
    expect(await freeSpaceOf(without)).toBeUndefined();
  });
});
