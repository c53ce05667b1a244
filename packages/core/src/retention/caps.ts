import type { Backup } from "./candidates.js";
import type { RetentionPolicy } from "./policy.js";
import { parseSize } from "./size.js";

/** Cuts the kept list (newest first) to the caps, moving what is cut off into the result. */
export function applyCaps(
  keep: { backup: Backup; reasons: string[] }[],
  policy: RetentionPolicy,
): { backup: Backup; reasons: string[] }[] {
  let limit = keep.length;
  if (policy.maxCount !== undefined) limit = Math.min(limit, policy.maxCount);
  const maxSize = policy.maxTotalSize === undefined ? undefined : parseSize(policy.maxTotalSize);
  let sizeLimit = keep.length;
  if (maxSize !== undefined) {
    let total = 0;
    sizeLimit = 0;
    for (const item of keep) {
      total += item.backup.size!;
      if (total > maxSize && sizeLimit > 0) break;
      sizeLimit++;
    }
  }
  const cut = Math.max(1, Math.min(limit, sizeLimit));
  const removed = keep.splice(cut);
  return removed.map((item, i) => {
    const position = cut + i;
    const reasons: string[] = [];
    if (position >= limit) reasons.push(`over maxCount ${policy.maxCount}`);
    if (position >= sizeLimit) reasons.push(`over maxTotalSize ${policy.maxTotalSize}`);
    return { backup: item.backup, reasons };
  });
}
