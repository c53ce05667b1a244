import { bucketKey, type Period } from "./buckets.js";
import type { Backup } from "./candidates.js";
import { type CalendarDuration, formatDuration, isZeroDuration, parseDuration } from "./duration.js";
import { compareInstants, type Instant } from "./instant.js";
import type { RetentionPolicy } from "./policy.js";
import type { WallClock, Zone } from "./zone.js";

const COUNT_RULES = [
  ["keepLast", "last"],
  ["keepHourly", "hourly"],
  ["keepDaily", "daily"],
  ["keepWeekly", "weekly"],
  ["keepMonthly", "monthly"],
  ["keepYearly", "yearly"],
] as const;

const WITHIN_RULES = [
  ["keepWithinHourly", "hourly"],
  ["keepWithinDaily", "daily"],
  ["keepWithinWeekly", "weekly"],
  ["keepWithinMonthly", "monthly"],
  ["keepWithinYearly", "yearly"],
] as const;

interface CountRule {
  reason: string;
  period: Period | "last";
  left: number;
  last: number | undefined;
}

interface WithinRule {
  reason: string;
  period: Period;
  threshold: Instant | undefined;
  last: number | undefined;
}

/** The reasons per backup (by sorted position), or undefined when the policy has no keep rule. */
export function keepReasons(
  backups: Backup[],
  policy: RetentionPolicy,
  zone: Zone,
  anchor: Instant | undefined,
): string[][] | undefined {
  const counts: CountRule[] = [];
  for (const [key, period] of COUNT_RULES) {
    const left = normalizeCount(policy[key]);
    if (left !== 0) counts.push({ reason: `${period} snapshot`, period, left, last: undefined });
  }
  const threshold = (duration: CalendarDuration) => anchor && zone.subtract(anchor, duration);
  const within = durationOf(policy.keepWithin);
  const withinThreshold = within && threshold(within);
  const windows: WithinRule[] = [];
  for (const [key, period] of WITHIN_RULES) {
    const duration = durationOf(policy[key]);
    if (duration) {
      windows.push({
        reason: `${period} within ${formatDuration(duration)}`,
        period,
        threshold: threshold(duration),
        last: undefined,
      });
    }
  }
  const tagLists = policy.keepTags ?? [];
  if (counts.length === 0 && windows.length === 0 && !within && tagLists.length === 0) return undefined;

  const walls = new Map<number, WallClock>();
  const wallOf = (nr: number) => {
    let wall = walls.get(nr);
    if (!wall) {
      wall = zone.wall(backups[nr]!.time.ms);
      walls.set(nr, wall);
    }
    return wall;
  };
  const inside = (time: Instant, limit: Instant | undefined) => !limit || compareInstants(time, limit) > 0;
  const oldest = backups.length - 1;

  return backups.map((backup, nr) => {
    const why: string[] = [];
    for (const list of tagLists) {
      if (hasTags(backup.tags, list)) why.push(`has tags [${list.join(", ")}]`);
    }
    if (within && inside(backup.time, withinThreshold)) why.push(`within ${formatDuration(within)}`);
    for (const rule of counts) {
      if (rule.left === 0) continue;
      const key = rule.period === "last" ? nr : bucketKey(rule.period, wallOf(nr));
      if (key !== rule.last || nr === oldest) {
        why.push(key !== rule.last ? rule.reason : `oldest ${rule.reason}`);
        rule.last = key;
        if (rule.left > 0) rule.left--;
      }
    }
    for (const rule of windows) {
      if (!inside(backup.time, rule.threshold)) continue;
      const key = bucketKey(rule.period, wallOf(nr));
      if (key !== rule.last || nr === oldest) {
        why.push(key !== rule.last ? rule.reason : `oldest ${rule.reason}`);
        rule.last = key;
      }
    }
    return why;
  });
}

/** restic's HasTags, quirk included: an empty tag matches a backup that has no tags at all. */
function hasTags(tags: readonly string[], list: readonly string[]): boolean {
  for (const tag of list) {
    if (tag === "" && tags.length === 0) return true;
    if (!tags.includes(tag)) return false;
  }
  return true;
}

function normalizeCount(value: RetentionPolicy["keepLast"]): number {
  if (value === undefined) return 0;
  if (value === "unlimited" || value === Number.POSITIVE_INFINITY) return -1;
  return value;
}

function durationOf(text: string | undefined): CalendarDuration | undefined {
  if (text === undefined) return undefined;
  const duration = parseDuration(text);
  return isZeroDuration(duration) ? undefined : duration;
}
