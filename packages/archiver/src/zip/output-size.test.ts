import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createPathSource, silentLogger } from "@cairn/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createArchiver } from "../index.js";

const ctx = () => ({ signal: new AbortController().signal, logger: silentLogger });

describe("zip output size", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "cairn-zip-size-"));
    const tree = join(dir, "tree");
    await mkdir(join(tree, "small"), { recursive: true });
    // What the bench's trees hold, small: many small text files, a large dump, incompressible data.
    for (let i = 0; i < 400; i++) {
      const rows = Array.from(
        { length: 20 + (i % 50) },
        (_, r) => `row ${i * 31 + r};customer-${r % 97};paid\n`,
      );
      await writeFile(join(tree, "small", `f${i}.txt`), rows.join(""));
    }
    const dump = Array.from(
      { length: 60_000 },
      (_, r) => `INSERT INTO t VALUES (${r}, 'note ${r % 1009}');\n`,
    );
    await writeFile(join(tree, "dump.sql"), dump.join(""));
    await writeFile(join(tree, "blob.bin"), randomBytes(1_500_000));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("is at most 5% larger than zip -r -6 on the same tree", async () => {
    const ours = join(dir, "ours.zip");
    await pipeline(
      createArchiver("zip", { level: 6 }).write(createPathSource(join(dir, "tree")).entries(ctx()), ctx()),
      createWriteStream(ours),
    );
    execFileSync("zip", ["-r", "-q", "-6", join(dir, "theirs.zip"), "tree"], { cwd: dir });
    const [mine, theirs] = await Promise.all([stat(ours), stat(join(dir, "theirs.zip"))]);
    expect(mine.size / theirs.size).toBeLessThanOrEqual(1.05);
  });
});
