import { once } from "node:events";
import { PassThrough, type Readable } from "node:stream";

/** One consumer of the teed stream: it gets a body and reports when it has finished with it. */
export interface TeeBranch<T> {
  consume(body: Readable): Promise<T>;
}

export type BranchOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface TeeResult<T> {
  outcomes: BranchOutcome<T>[];
  /** Set when the source itself failed: then no branch may count as complete. */
  sourceError: unknown;
}

/**
 * Copies one stream to several consumers at once, reading the source once. Memory is bounded:
 * the source is paused until every live branch has taken the last chunk. A branch that fails
 * is dropped and the others go on; when the source fails, every branch is failed with it.
 */
export async function tee<T>(
  source: Readable,
  branches: TeeBranch<T>[],
  onChunk: (chunk: Buffer) => void = () => {},
  highWaterMark = 1024 * 1024,
): Promise<TeeResult<T>> {
  const live = branches.map((branch) => {
    const body = new PassThrough({ highWaterMark });
    // A failed source destroys every body with its error, possibly before the branch has started
    // reading (a destination still creating its folder). The error is reported as sourceError;
    // without a listener here it would crash the process as an unhandled 'error' event.
    body.on("error", () => {});
    const state = { done: false, failed: false };
    const settled = branch.consume(body).then(
      (value): BranchOutcome<T> => {
        state.done = true;
        return { ok: true, value };
      },
      (error: unknown): BranchOutcome<T> => {
        state.done = true;
        state.failed = true;
        body.destroy();
        return { ok: false, error };
      },
    );
    return { body, state, settled };
  });

  let sourceError: unknown;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      onChunk(chunk);
      const waits: Promise<unknown>[] = [];
      for (const branch of live) {
        if (branch.state.failed || branch.body.destroyed) continue;
        if (!branch.body.write(chunk)) {
          waits.push(Promise.race([once(branch.body, "drain"), branch.settled]).catch(() => undefined));
        }
      }
      if (live.every((b) => b.state.failed)) {
        source.destroy();
        break;
      }
      await Promise.all(waits);
    }
  } catch (error) {
    sourceError = error;
  }

  for (const branch of live) {
    if (branch.state.failed) continue;
    if (sourceError !== undefined) branch.body.destroy(asError(sourceError));
    else branch.body.end();
  }
  const outcomes = await Promise.all(live.map((b) => b.settled));
  return { outcomes, sourceError };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
