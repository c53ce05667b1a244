import type { RunContext } from "../contracts/context.js";
import type { EntryType, RestoredCheck, Source } from "../contracts/source.js";
import { readLines } from "../entry-index/format.js";
import type { LineFile } from "../entry-index/line-file.js";

type RestoredEntry = { path: string; type: EntryType };

/**
 * Lets the job's source check what a drill restored (a database's own tools), with the list of
 * what was written. A check that throws is a failed check, not a failed drill run.
 */
export async function checkWithSource(
  source: Source | undefined,
  dir: string,
  restoredList: LineFile,
  ctx: RunContext,
): Promise<RestoredCheck[]> {
  if (!source?.checkRestored) return [];
  const entries = async function* () {
    for await (const line of readLines(restoredList.open())) yield JSON.parse(line) as RestoredEntry;
  };
  try {
    return await source.checkRestored({ dir, entries }, ctx);
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    return [
      { path: "", check: "the source's own check", status: "failed", detail: (error as Error).message },
    ];
  }
}
