import { randomBytes } from "node:crypto";
import {
  CairnError,
  type Destination,
  type DestinationCapabilities,
  type ExclusiveObjects,
  listBackups,
} from "@cairn/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DestinationUnderTest } from "./describe-destination.js";

export interface DescribeExclusiveCreateOptions {
  /** The plugin's declared capabilities: the cases run exactly when `exclusiveCreate` is true. */
  capabilities: DestinationCapabilities;
  /** Per-test timeout in milliseconds; 60 s by default. */
  timeoutMs?: number;
}

const signal = () => new AbortController().signal;
const codeOf = (error: unknown) => (CairnError.is(error) ? error.code : `not a CairnError: ${String(error)}`);

/**
 * The `exclusiveCreate` capability's cases: what a lease at the destination relies on. Registers
 * nothing for a destination that does not declare it; `compareAndSwap` adds the race on replace.
 */
export function describeExclusiveCreate(
  name: string,
  factory: () => Promise<DestinationUnderTest> | DestinationUnderTest,
  options: DescribeExclusiveCreateOptions,
): void {
  if (!options.capabilities.exclusiveCreate) return;
  const timeout = options.timeoutMs ?? 60_000;

  describe(`${name}: exclusiveCreate conformance`, () => {
    let subject: DestinationUnderTest;
    let dest: Destination & ExclusiveObjects;
    const root = `exclusive-${randomBytes(4).toString("hex")}`;
    let n = 0;
    const key = () => `${root}/t${++n}/.cairn-lock`;

    beforeAll(async () => {
      subject = await factory();
      dest = subject.destination as Destination & ExclusiveObjects;
    }, timeout);
    afterAll(async () => {
      await dest?.close();
      await subject?.cleanup?.();
    }, timeout);

    it(
      "has all four calls, and creates only where nothing is",
      async () => {
        for (const method of [
          "createExclusive",
          "readVersioned",
          "replaceIfVersion",
          "deleteIfVersion",
        ] as const) {
          expect(typeof dest[method], method).toBe("function");
        }
        const k = key();
        const version = await dest.createExclusive(k, Buffer.from("first"), { signal: signal() });
        expect(await dest.readVersioned(k, { signal: signal() })).toEqual({
          body: Buffer.from("first"),
          version,
        });
        const again = await dest
          .createExclusive(k, Buffer.from("second"), { signal: signal() })
          .catch(codeOf);
        expect(again).toBe("DESTINATION_CONFLICT");
        expect((await dest.readVersioned(k, { signal: signal() })).body.toString()).toBe("first");
      },
      timeout,
    );

    it(
      "lets exactly one of eight simultaneous creates of one key succeed",
      async () => {
        const k = key();
        const outcomes = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            dest
              .createExclusive(k, Buffer.from(`racer ${i}`), { signal: signal() })
              .then(() => `won ${i}`, codeOf),
          ),
        );
        const won = outcomes.filter((o) => o.startsWith("won"));
        expect(won).toHaveLength(1);
        expect(outcomes.filter((o) => !o.startsWith("won"))).toEqual(Array(7).fill("DESTINATION_CONFLICT"));
        const stored = (await dest.readVersioned(k, { signal: signal() })).body.toString();
        expect(stored).toBe(`racer ${won[0]!.slice(4)}`);
      },
      timeout,
    );

    it(
      "replaces only the version it was given, and refuses a stale one or a missing object",
      async () => {
        const k = key();
        const v1 = await dest.createExclusive(k, Buffer.from("one"), { signal: signal() });
        const v2 = await dest.replaceIfVersion(k, Buffer.from("two"), v1, { signal: signal() });
        expect(v2).not.toBe(v1);
        expect(await dest.readVersioned(k, { signal: signal() })).toEqual({
          body: Buffer.from("two"),
          version: v2,
        });
        const stale = await dest
          .replaceIfVersion(k, Buffer.from("three"), v1, { signal: signal() })
          .catch(codeOf);
        expect(stale).toBe("DESTINATION_CONFLICT");
        expect((await dest.readVersioned(k, { signal: signal() })).body.toString()).toBe("two");
        const missing = await dest
          .replaceIfVersion(key(), Buffer.from("x"), v2, { signal: signal() })
          .catch(codeOf);
        expect(missing).toBe("DESTINATION_CONFLICT");
      },
      timeout,
    );

    it(
      "deletes only the version it was given; a missing object counts as deleted",
      async () => {
        const k = key();
        const v1 = await dest.createExclusive(k, Buffer.from("one"), { signal: signal() });
        const v2 = await dest.replaceIfVersion(k, Buffer.from("two"), v1, { signal: signal() });
        expect(await dest.deleteIfVersion(k, v1, { signal: signal() }).catch(codeOf)).toBe(
          "DESTINATION_CONFLICT",
        );
        expect((await dest.readVersioned(k, { signal: signal() })).body.toString()).toBe("two");
        await dest.deleteIfVersion(k, v2, { signal: signal() });
        expect(await dest.readVersioned(k, { signal: signal() }).catch(codeOf)).toBe("NOT_FOUND");
        await dest.deleteIfVersion(k, v2, { signal: signal() });
        // Free again: the next holder creates it anew.
        await dest.createExclusive(k, Buffer.from("three"), { signal: signal() });
      },
      timeout,
    );

    it(
      "keeps the lease object out of every listing of backups",
      async () => {
        const job = `${root}-job`;
        await dest.createExclusive(`${job}/.cairn-lock`, Buffer.from("{}"), { signal: signal() });
        const catalog = await listBackups(dest, job);
        expect(catalog.complete).toEqual([]);
        expect(catalog.incomplete).toEqual([]);
      },
      timeout,
    );

    if (options.capabilities.compareAndSwap) {
      it(
        "lets exactly one of eight simultaneous replaces of one version succeed (compareAndSwap)",
        async () => {
          const k = key();
          const v1 = await dest.createExclusive(k, Buffer.from("one"), { signal: signal() });
          const outcomes = await Promise.all(
            Array.from({ length: 8 }, (_, i) =>
              dest
                .replaceIfVersion(k, Buffer.from(`racer ${i}`), v1, { signal: signal() })
                .then(() => "won", codeOf),
            ),
          );
          expect(outcomes.filter((o) => o === "won")).toHaveLength(1);
          expect(outcomes.filter((o) => o !== "won")).toEqual(Array(7).fill("DESTINATION_CONFLICT"));
        },
        timeout,
      );
    }
  });
}
