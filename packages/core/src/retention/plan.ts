import { formatIssue } from "../config/issues.js";
import { CairnError } from "../errors.js";
import { bucketKey, type Period } from "./buckets.js";
import { type CalendarDuration, formatDuration, isZeroDuration, parseDuration } from "./duration.js";
import { compareInstants, formatInstant, type Instant, TimeError, toInstant } from "./instant.js";
import { type RetentionPolicy, retentionPolicySchema } from "./policy.js";
import { parseSize } from "./size.js";
import { createZone, TimeZoneError, type WallClock, type Zone } from "./zone.js";

export interface RetentionCandidate {
  id: string;
  time: Date | string;
  size?: number;
  tags?: readonly string[];
}

export interface RetentionPlanOptions {
  now: Date | string;
  /** `"UTC"` (the default), a fixed offset like `"+05:30"`, or an IANA name. */
  timeZone?: string;
  /** Ids that must stay whatever the policy says: the backup this run just wrote. */
  protect?: readonly string[];
}

export interface PlanItem {
  id: string;
  reasons: string[];
}

export interface RetentionPlan {
  /** Newest first. */
  keep: PlanItem[];
  /** Newest first. */
  remove: PlanItem[];
  /** The newest backup before `now`, from which `keepWithin*` windows are measured. */
  anchor: string | undefined;
  timeZone: string;
  /** Things the user should know about this plan (an empty policy, backups dated in the future). */
  notes: string[];
}

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

interface Backup {
  id: string;
  time: Instant;
  size: number | undefined;
  tags: readonly string[];
  /** Position in the input, for error messages. */
  index: number;
}

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

/**
 * Decides which backups of one job at one destination to keep, with restic's `forget`
 * semantics and cairn's guarantees (the newest is never removed; an empty policy removes
 * nothing) and hard caps (`maxCount`, `maxTotalSize`). Pure and synchronous.
 */
export function planRetention(
  candidates: readonly RetentionCandidate[],
  policy: RetentionPolicy,
  options: RetentionPlanOptions,
): RetentionPlan {
  const parsed = retentionPolicySchema.safeParse(policy, { reportInput: true });
  if (!parsed.success) {
    throw new CairnError(
      "CONFIG_INVALID",
      `retention policy: ${parsed.error.issues.map((issue) => formatIssue(issue)).join("; ")}`,
    );
  }
  const zone = zoneOrThrow(options.timeZone ?? "UTC");
  const now = instantOrThrow(options.now, "now");
  const backups = readBackups(candidates, policy.maxTotalSize !== undefined);
  // Newest first; of two at the same instant the greater id counts as newer, so the answer
  // does not depend on the order the destination listed them in.
  backups.sort((a, b) => compareInstants(b.time, a.time) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));

  const notes: string[] = [];
  const anchor = backups.find((b) => compareInstants(b.time, now) < 0)?.time;
  const future = backups.filter((b) => compareInstants(b.time, now) > 0).length;
  if (future > 0) {
    notes.push(
      `${future} backup(s) are dated after now (${formatInstant(now)}): check the clocks of the machines that made them`,
    );
  }

  const reasons = keepReasons(backups, policy, zone, anchor);
  const caps = [
    policy.maxCount === undefined ? undefined : `maxCount ${policy.maxCount}`,
    policy.maxTotalSize === undefined ? undefined : `maxTotalSize ${policy.maxTotalSize}`,
  ].filter((cap): cap is string => cap !== undefined);
  const capsOnly = caps.length > 0;
  const capNames = caps.join(" and ");
  const hasRules = reasons !== undefined;
  const keep: { backup: Backup; reasons: string[] }[] = [];
  const remove: { backup: Backup; reasons: string[] }[] = [];
  backups.forEach((backup, nr) => {
    // Without keep rules every backup is a candidate; with a cap, the cap is what keeps it.
    const why = hasRules ? reasons[nr]! : [capsOnly ? `within ${capNames}` : "no keep rules"];
    if (nr === 0 && why.length === 0) why.push("newest backup");
    (why.length > 0 ? keep : remove).push({
      backup,
      reasons: why.length > 0 ? why : ["matched no keep rule"],
    });
  });

  const capped = applyCaps(keep, policy);
  for (const item of capped) remove.push(item);
  if (!hasRules && policy.maxCount === undefined && policy.maxTotalSize === undefined) {
    notes.push("the policy has no keep rules and no caps, so nothing is removed");
  }

  const protect = new Set(options.protect ?? []);
  const finalRemove = remove.filter((item) => {
    if (!protect.has(item.backup.id)) return true;
    keep.push({ backup: item.backup, reasons: ["just written"] });
    return false;
  });

  const order = new Map(backups.map((b, i) => [b, i]));
  const byAge = (a: { backup: Backup }, b: { backup: Backup }) => order.get(a.backup)! - order.get(b.backup)!;
  return {
    keep: keep.sort(byAge).map((item) => ({ id: item.backup.id, reasons: item.reasons })),
    remove: finalRemove.sort(byAge).map((item) => ({ id: item.backup.id, reasons: item.reasons })),
    anchor: anchor && formatInstant(anchor),
    timeZone: zone.name,
    notes,
  };
}

/** The reasons per backup (by sorted position), or undefined when the policy has no keep rule. */
function keepReasons(
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

/** Cuts the kept list (newest first) to the caps, moving what is cut off into the result. */
function applyCaps(
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

function readBackups(candidates: readonly RetentionCandidate[], needSize: boolean): Backup[] {
  const seen = new Set<string>();
  return candidates.map((candidate, index) => {
    if (seen.has(candidate.id)) {
      throw new CairnError("INTERNAL", `retention: backup id "${candidate.id}" appears twice`);
    }
    seen.add(candidate.id);
    const size = candidate.size;
    if (needSize && (typeof size !== "number" || !Number.isFinite(size) || size < 0)) {
      throw new CairnError(
        "INTERNAL",
        `retention: backup "${candidate.id}" has no size, which maxTotalSize needs`,
      );
    }
    return {
      id: candidate.id,
      time: instantOrThrow(candidate.time, `backup "${candidate.id}"`),
      size,
      tags: candidate.tags ?? [],
      index,
    };
  });
}

function instantOrThrow(value: Date | string, what: string): Instant {
  try {
    return toInstant(value);
  } catch (error) {
    if (error instanceof TimeError) throw new CairnError("INTERNAL", `retention: ${what}: ${error.message}`);
    throw error;
  }
}

function zoneOrThrow(name: string): Zone {
  try {
    return createZone(name);
  } catch (error) {
    if (error instanceof TimeZoneError) throw new CairnError("CONFIG_INVALID", error.message);
    throw error;
  }
}
