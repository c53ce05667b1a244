import { createHash } from "node:crypto";
import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ArchivedEntry } from "../contracts/archiver.js";
import type { Manifest } from "../manifest.js";
import { differences, ProblemList } from "./differences.js";
import { formatLine, type IndexLine, readIndex, readLines, secondsOf } from "./format.js";
import { LineFile } from "./line-file.js";

export interface IndexCheck {
  /** Entries compared with the index. */
  checked: number;
  problems: ProblemList;
}

/**
 * Checks an archive against its own index while reading it once. The index is the archive's
 * last entry, so what each entry turns out to be is first written to a temporary file, in
 * order; when the index arrives the two are read side by side.
 */
export class ArchiveCheck {
  readonly #found: LineFile;

  private constructor(found: LineFile) {
    this.#found = found;
  }

  static async create(tempDir?: string): Promise<ArchiveCheck> {
    return new ArchiveCheck(await LineFile.create("verify", tempDir));
  }

  /** Reads an entry's content to its end (hashing it) and notes what the entry is. */
  async add(entry: ArchivedEntry): Promise<void> {
    const line: IndexLine = {
      path: entry.path,
      type: entry.type,
      size: 0,
      mode: entry.mode,
      mtime: secondsOf(entry.mtime),
      ...(entry.type === "symlink" ? { target: entry.linkTarget ?? "" } : {}),
    };
    if (entry.type === "file") {
      const hash = createHash("sha256");
      for await (const chunk of (entry.content ?? []) as AsyncIterable<Buffer>) {
        hash.update(chunk);
        line.size += chunk.length;
      }
      line.sha256 = hash.digest("hex");
    }
    await this.#found.append(formatLine(line));
  }

  /** Compares every entry added so far with the index in `content`, which must match the manifest. */
  async compare(
    content: Readable,
    recorded: NonNullable<Manifest["index"]>,
    where: string,
  ): Promise<IndexCheck> {
    const hash = createHash("sha256");
    let size = 0;
    const index = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    // A failure of the entry's stream reaches the reader of `index`; pipeline destroys both
    // streams whichever side stops first, so none is left running or failing unheard.
    const piping = pipeline(content, index).catch(() => {});
    try {
      await this.#found.close();
      const result = await this.#compareLines(readIndex(index, where));
      if (size !== recorded.size || hash.digest("hex") !== recorded.sha256) {
        result.problems.add(
          `the entry index itself does not match the manifest (${size} bytes, expected ${recorded.size})`,
        );
      }
      return result;
    } finally {
      index.destroy();
      await piping;
    }
  }

  async #compareLines(recorded: AsyncIterable<IndexLine>): Promise<IndexCheck> {
    const problems = new ProblemList();
    const found = readLines(this.#found.open())[Symbol.asyncIterator]();
    let checked = 0;
    let aligned = true;
    for await (const expected of recorded) {
      if (!aligned) continue;
      const next = await found.next();
      if (next.done) {
        problems.add(`${JSON.stringify(expected.path)} is in the index but missing from the archive`);
        continue;
      }
      const actual = JSON.parse(next.value) as IndexLine;
      if (actual.path !== expected.path) {
        // Past a missing or extra entry the two lists no longer line up: say where, once.
        problems.add(
          `entry ${checked + 1} of the archive is ${JSON.stringify(actual.path)}, the index expects ${JSON.stringify(expected.path)}`,
        );
        aligned = false;
        continue;
      }
      checked++;
      for (const problem of differences(expected, actual, "in the archive")) problems.add(problem);
    }
    if (aligned) {
      for (let next = await found.next(); !next.done; next = await found.next()) {
        const extra = (JSON.parse(next.value) as IndexLine).path;
        problems.add(`${JSON.stringify(extra)} is in the archive but not in its index`);
      }
    } else {
      await found.return?.(undefined);
    }
    return { checked, problems };
  }

  dispose(): Promise<void> {
    return this.#found.dispose();
  }
}
