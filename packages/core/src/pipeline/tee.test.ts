import { createHash } from "node:crypto";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { tee } from "./tee.js";

/** 64 KiB chunks of deterministic bytes, produced only as fast as they are consumed. */
function generated(chunks: number, failAt?: number): Readable {
  let i = 0;
  return new Readable({
    read() {
      if (i === failAt) return this.destroy(new Error("disk read error"));
      if (i === chunks) return this.push(null);
      this.push(Buffer.alloc(65536, i++ % 251));
    },
  });
}

function hashingSink(): { consume(body: Readable): Promise<string> } {
  return {
    async consume(body) {
      const hash = createHash("sha256");
      await pipeline(
        body,
        new Writable({
          write(chunk, _encoding, done) {
            hash.update(chunk);
            done();
          },
        }),
      );
      return hash.digest("hex");
    },
  };
}

describe("tee", () => {
  it("gives every branch the same bytes, reading the source once", async () => {
    let reads = 0;
    const { outcomes, sourceError } = await tee(
      generated(64),
      [hashingSink(), hashingSink(), hashingSink()],
      () => {
        reads += 1;
      },
    );
    expect(sourceError).toBeUndefined();
    expect(reads).toBe(64);
    const values = outcomes.map((o) => (o.ok ? o.value : "failed"));
    expect(new Set(values).size).toBe(1);
    expect(values[0]).toMatch(/^[0-9a-f]{64}$/);
  });

  it("drops a failing branch and lets the others finish", async () => {
    const failing = {
      async consume(body: Readable) {
        let seen = 0;
        for await (const chunk of body) {
          seen += (chunk as Buffer).length;
          if (seen > 300_000) throw new Error("connection reset");
        }
        return "never";
      },
    };
    const { outcomes } = await tee(generated(64), [failing, hashingSink()]);
    expect(outcomes[0]).toMatchObject({ ok: false });
    expect(outcomes[1]).toMatchObject({ ok: true });
  });

  it("fails every branch when the source fails, so none can look complete", async () => {
    const { outcomes, sourceError } = await tee(generated(64, 10), [hashingSink(), hashingSink()]);
    expect(String(sourceError)).toContain("disk read error");
    expect(outcomes.every((o) => !o.ok)).toBe(true);
  });

  it("keeps memory bounded by waiting for the slowest branch", async () => {
    let maxAhead = 0;
    let produced = 0;
    let consumedBySlow = 0;
    const slow = {
      async consume(body: Readable) {
        for await (const chunk of body) {
          consumedBySlow += (chunk as Buffer).length;
          await new Promise((r) => setTimeout(r, 1));
        }
        return "done";
      },
    };
    await tee(
      generated(200),
      [slow, hashingSink()],
      (chunk) => {
        produced += chunk.length;
        maxAhead = Math.max(maxAhead, produced - consumedBySlow);
      },
      256 * 1024,
    );
    // Never more than the branch buffer plus a couple of chunks ahead of the slowest reader.
    expect(maxAhead).toBeLessThan(1024 * 1024);
  });

  it("stops reading the source when every branch has failed", async () => {
    const refuse = { consume: async () => Promise.reject(new Error("auth failed")) };
    let reads = 0;
    const { outcomes } = await tee(generated(10_000), [refuse, refuse], () => {
      reads += 1;
    });
    expect(outcomes.every((o) => !o.ok)).toBe(true);
    expect(reads).toBeLessThan(100);
  });
});
