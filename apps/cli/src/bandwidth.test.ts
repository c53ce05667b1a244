import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { openDestination, parseConfig, silentLogger } from "@cairn/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SharedDestination, startShared } from "./__fixtures__/shared-destinations.js";
import { createRegistry } from "./registry.js";

const MiB = 1024 * 1024;
// Half of what SFTP on loopback reaches when this two-core machine is at its busiest, so that
// what is measured is the limit, not the machine.
const LIMIT = 5 * MiB;
const DATA = randomBytes(20 * MiB);

/** The data in the 256 KiB chunks an archive stream would come in. */
function body(data: Buffer): Readable {
  return Readable.from(
    (function* () {
      for (let at = 0; at < data.length; at += 256 * 1024) yield data.subarray(at, at + 256 * 1024);
    })(),
  );
}

/** SHA-256 of a stream, read as a destination's reader would: chunk by chunk, nothing held. */
async function digest(stream: Readable): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

/**
 * Seconds until the destination has taken the last byte of `data`: the transfer itself, without
 * what the destination does once it has everything (the local one syncs the file to disk, which
 * on a busy disk takes longer than the transfer).
 */
async function uploaded(put: (body: Readable) => Promise<unknown>, data: Buffer): Promise<number> {
  const started = performance.now();
  const source = body(data);
  const ended = new Promise<number>((resolve) => source.once("end", () => resolve(performance.now())));
  await put(source);
  return ((await ended) - started) / 1000;
}

describe.each(["local", "sftp"] as const)("bandwidth limit at a %s destination", (kind) => {
  let shared: SharedDestination;
  const signal = new AbortController().signal;

  async function open(limits: string) {
    const entry = { ...JSON.parse(shared.entry), ...JSON.parse(limits) };
    const text = JSON.stringify({
      destinations: { d: entry },
      jobs: { j: { source: { type: "path", path: "." }, destinations: ["d"] } },
    });
    const config = await parseConfig(text, "/tmp/cairn.config.json", createRegistry());
    return (await openDestination(config, "d", silentLogger)).destination;
  }

  beforeAll(async () => {
    shared = await startShared(kind);
  }, 60_000);
  afterAll(async () => {
    await shared?.stop();
  });

  it("holds a 20 MiB upload and download within 10% of the limit", async () => {
    const destination = await open('{ "bandwidthLimit": "5MiB/s" }');
    try {
      const up = await uploaded((source) => destination.put("j/up.bin", source, { signal }), DATA);
      let back = "";
      const down = await timed(async () => {
        back = await digest(await destination.get("j/up.bin", { signal }));
      });
      expect(back).toBe(createHash("sha256").update(DATA).digest("hex"));
      for (const seconds of [up, down]) {
        expect(DATA.length / seconds / LIMIT).toBeGreaterThan(0.9);
        expect(DATA.length / seconds / LIMIT).toBeLessThan(1.1);
      }
    } finally {
      await destination.close();
    }
  }, 60_000);

  it("shares one limit between two uploads at once, and gives downloads a limit of their own", async () => {
    const destination = await open('{ "limits": { "upload": "5MiB/s", "download": "2.5MiB/s" } }');
    try {
      const half = DATA.subarray(0, 5 * MiB);
      const [a, b] = await Promise.all(
        ["j/a.bin", "j/b.bin"].map((key) =>
          uploaded((source) => destination.put(key, source, { signal }), half),
        ),
      );
      const both = Math.max(a!, b!);
      expect((2 * half.length) / both / LIMIT).toBeGreaterThan(0.9);
      expect((2 * half.length) / both / LIMIT).toBeLessThan(1.1);
      // Downloads have their own limit, and their own bucket.
      const down = await timed(async () => digest(await destination.get("j/a.bin", { signal })));
      expect(half.length / down / (LIMIT / 2)).toBeGreaterThan(0.9);
      expect(half.length / down / (LIMIT / 2)).toBeLessThan(1.1);
    } finally {
      await destination.close();
    }
  }, 60_000);
});
