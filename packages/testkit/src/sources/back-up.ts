import { createWriteStream } from "node:fs";
import { buffer } from "node:stream/consumers";
import { pipeline } from "node:stream/promises";
import { type RunContext, type Source, type SourceEntry, silentLogger } from "@cairn/core";

const quietRun = (): RunContext => ({ signal: new AbortController().signal, logger: silentLogger });

/**
 * Backs a source up the way the pipeline does (prepare, entries, cleanup whether prepare worked
 * or not) and reads every entry's content: for the tests of a source plugin.
 */
export async function backUpSource(
  source: Source,
  run: RunContext = quietRun(),
): Promise<{ entry: SourceEntry; content: Buffer }[]> {
  try {
    await source.prepare?.(run);
    const out = [];
    for await (const entry of source.entries(run)) {
      out.push({ entry, content: entry.open ? await buffer(entry.open()) : Buffer.alloc(0) });
    }
    return out;
  } finally {
    await source.cleanup?.(run);
  }
}

/**
 * Backs up a source of one entry (a database dump) and writes that entry to `to`, as a restore
 * would, streaming: for dumps too large to hold. Fails unless there is exactly one entry.
 */
export async function backUpTo(
  source: Source,
  to: string,
  run: RunContext = quietRun(),
): Promise<SourceEntry> {
  try {
    await source.prepare?.(run);
    const entries: SourceEntry[] = [];
    for await (const entry of source.entries(run)) {
      entries.push(entry);
      await pipeline(entry.open!(), createWriteStream(to));
    }
    if (entries.length !== 1) throw new Error(`expected one entry, the source gave ${entries.length}`);
    return entries[0]!;
  } finally {
    await source.cleanup?.(run);
  }
}
