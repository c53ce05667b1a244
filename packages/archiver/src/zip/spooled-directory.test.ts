import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SpooledDirectory } from "./spooled-directory.js";

describe("SpooledDirectory", () => {
  let temp: string;
  beforeEach(async () => {
    temp = await mkdtemp(join(tmpdir(), "cairn-spool-test-"));
  });
  afterEach(async () => {
    await rm(temp, { recursive: true, force: true });
  });

  it("gives back every record in order past its memory bound, from a temporary file it removes", async () => {
    // Records the size of central directory headers with names, 3.5 MiB of them over a 1 MiB bound.
    const records = Array.from({ length: 40_000 }, (_, i) => randomBytes(60 + (i % 41)));
    const directory = new SpooledDirectory(1024 * 1024, temp);
    for (const record of records) directory.append(record);
    expect(await readdir(temp)).toHaveLength(1);
    const expected = Buffer.concat(records);
    expect(directory.length).toBe(expected.length);
    const chunks = [...directory.chunks()];
    expect(Buffer.concat(chunks).equals(expected)).toBe(true);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(1024 * 1024);
    directory.dispose();
    expect(await readdir(temp)).toHaveLength(0);
  });

  it("keeps a small directory in memory, with no file at all", async () => {
    const directory = new SpooledDirectory(1024 * 1024, temp);
    directory.append(Buffer.from("one record"));
    expect(Buffer.concat([...directory.chunks()]).toString()).toBe("one record");
    expect(await readdir(temp)).toHaveLength(0);
    directory.dispose();
  });
});
