import { freeSpaceOf } from "../capabilities.js";
import type { Destination } from "../contracts/destination.js";
import { formatBytes } from "../retention/index.js";
import type { RetentionOptions, RetentionRun } from "./apply-retention.js";

/**
 * `minFreeSpace`: after the policy's own removals, removes the oldest kept backups until the
 * destination would report at least `needed` bytes free. Never the newest, never a protected one.
 */
export async function makeFreeSpace(
  destination: Destination,
  run: RetentionRun,
  needed: number,
  spelled: string,
  options: RetentionOptions,
): Promise<void> {
  const free = await freeSpaceOf(destination);
  if (free === undefined) {
    run.notes.push("minFreeSpace is set, but this destination cannot tell its free space");
    return;
  }
  let expected = free + run.remove.reduce((sum, b) => sum + b.size, 0);
  const protect = new Set(options.protect ?? []);
  while (expected < needed && run.keep.length > 1) {
    const index = run.keep.findLastIndex((b, i) => i > 0 && !protect.has(b.id));
    if (index < 0) break;
    const [oldest] = run.keep.splice(index, 1);
    run.remove.push({ ...oldest!, reasons: [`under minFreeSpace ${spelled}`] });
    expected += oldest!.size;
  }
  run.remove.sort((a, b) => b.time.getTime() - a.time.getTime());
  if (expected < needed) {
    run.notes.push(
      `only ${formatBytes(expected)} will be free after this prune, less than minFreeSpace ${spelled}; the newest backup is never removed`,
    );
  }
}
