import { type Destination, type ExclusiveObjects, listBackups } from "@cairn/core";
import type { CaseGroup } from "../case-context.js";
import { codeOf, settle, signal } from "../helpers.js";

/** The calls a lease relies on (fleet.md): a destination declaring `exclusiveCreate` has all four. */
const leased = (dest: Destination) => dest as Destination & ExclusiveObjects;
const lockOf = (base: string) => `${base}/.cairn-lock`;

export const exclusiveCreate: CaseGroup = {
  name: "exclusiveCreate",
  capability: "exclusiveCreate",
  define({ test, expect }) {
    test("creates only where nothing is", async (dest, base) => {
      const store = leased(dest);
      const key = lockOf(base);
      const version = await store.createExclusive(key, Buffer.from("first"), { signal: signal() });
      expect(await store.readVersioned(key, { signal: signal() })).toEqual({
        body: Buffer.from("first"),
        version,
      });
      const again = await settle(() =>
        store.createExclusive(key, Buffer.from("second"), { signal: signal() }),
      );
      expect(codeOf(again.error)).toBe("DESTINATION_CONFLICT");
      expect((await store.readVersioned(key, { signal: signal() })).body.toString()).toBe("first");
    });

    test("lets exactly one of eight simultaneous creates of one key succeed", async (dest, base) => {
      const store = leased(dest);
      const key = lockOf(base);
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          settle(() => store.createExclusive(key, Buffer.from(`racer ${i}`), { signal: signal() })).then(
            ({ error }) => (error === undefined ? `won ${i}` : codeOf(error)),
          ),
        ),
      );
      const won = outcomes.filter((o) => o.startsWith("won"));
      expect(won).toHaveLength(1);
      expect(outcomes.filter((o) => !o.startsWith("won"))).toEqual(Array(7).fill("DESTINATION_CONFLICT"));
      const stored = (await store.readVersioned(key, { signal: signal() })).body.toString();
      expect(stored).toBe(`racer ${won[0]!.slice(4)}`);
    });

    test("replaces only the version it was given, and refuses a stale one or a missing object", async (dest, base) => {
      const store = leased(dest);
      const key = lockOf(base);
      const v1 = await store.createExclusive(key, Buffer.from("one"), { signal: signal() });
      const v2 = await store.replaceIfVersion(key, Buffer.from("two"), v1, { signal: signal() });
      expect(v2).not.toBe(v1);
      expect(await store.readVersioned(key, { signal: signal() })).toEqual({
        body: Buffer.from("two"),
        version: v2,
      });
      const stale = await settle(() =>
        store.replaceIfVersion(key, Buffer.from("three"), v1, { signal: signal() }),
      );
      expect(codeOf(stale.error)).toBe("DESTINATION_CONFLICT");
      expect((await store.readVersioned(key, { signal: signal() })).body.toString()).toBe("two");
      const missing = await settle(() =>
        store.replaceIfVersion(`${base}/gone/.cairn-lock`, Buffer.from("x"), v2, { signal: signal() }),
      );
      expect(codeOf(missing.error)).toBe("DESTINATION_CONFLICT");
    });

    test("deletes only the version it was given; a missing object counts as deleted", async (dest, base) => {
      const store = leased(dest);
      const key = lockOf(base);
      const v1 = await store.createExclusive(key, Buffer.from("one"), { signal: signal() });
      const v2 = await store.replaceIfVersion(key, Buffer.from("two"), v1, { signal: signal() });
      expect(codeOf((await settle(() => store.deleteIfVersion(key, v1, { signal: signal() }))).error)).toBe(
        "DESTINATION_CONFLICT",
      );
      expect((await store.readVersioned(key, { signal: signal() })).body.toString()).toBe("two");
      await store.deleteIfVersion(key, v2, { signal: signal() });
      expect(codeOf((await settle(() => store.readVersioned(key, { signal: signal() }))).error)).toBe(
        "NOT_FOUND",
      );
      await store.deleteIfVersion(key, v2, { signal: signal() });
      // Free again: the next holder creates it anew.
      await store.createExclusive(key, Buffer.from("three"), { signal: signal() });
    });

    test("keeps the lease object out of every listing of backups", async (dest, base) => {
      await leased(dest).createExclusive(lockOf(`${base}/job`), Buffer.from("{}"), { signal: signal() });
      const catalog = await listBackups(dest, `${base}/job`);
      expect(catalog.complete).toEqual([]);
      expect(catalog.incomplete).toEqual([]);
    });

    test("refuses hostile keys in all four calls with DESTINATION_KEY_INVALID", async (dest) => {
      const store = leased(dest);
      for (const key of ["../.cairn-lock", "/abs/.cairn-lock", "a\\..\\.cairn-lock"]) {
        const calls: Record<string, () => Promise<unknown>> = {
          createExclusive: () => store.createExclusive(key, Buffer.from("x"), { signal: signal() }),
          readVersioned: () => store.readVersioned(key, { signal: signal() }),
          replaceIfVersion: () => store.replaceIfVersion(key, Buffer.from("x"), "1", { signal: signal() }),
          deleteIfVersion: () => store.deleteIfVersion(key, "1", { signal: signal() }),
        };
        for (const [name, call] of Object.entries(calls)) {
          expect(codeOf((await settle(call)).error), `${name}(${JSON.stringify(key)})`).toBe(
            "DESTINATION_KEY_INVALID",
          );
        }
      }
    });
  },
};

export const compareAndSwap: CaseGroup = {
  name: "compareAndSwap",
  capability: "compareAndSwap",
  define({ test, expect }) {
    test("lets exactly one of eight simultaneous replaces of one version succeed", async (dest, base) => {
      const store = leased(dest);
      const key = lockOf(base);
      const v1 = await store.createExclusive(key, Buffer.from("one"), { signal: signal() });
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          settle(() => store.replaceIfVersion(key, Buffer.from(`racer ${i}`), v1, { signal: signal() })).then(
            ({ error }) => (error === undefined ? "won" : codeOf(error)),
          ),
        ),
      );
      expect(outcomes.filter((o) => o === "won")).toHaveLength(1);
      expect(outcomes.filter((o) => o !== "won")).toEqual(Array(7).fill("DESTINATION_CONFLICT"));
    });
  },
};
