import { formatIssue } from "../config/issues.js";
import { CairnError } from "../errors.js";
import { type Backup, instantOrThrow, type RetentionCandidate, readBackups } from "./candidates.js";
import { applyCaps } from "./caps.js";
import { compareInstants, formatInstant } from "./instant.js";
import { keepReasons } from "./keep-rules.js";
import { type RetentionPolicy, retentionPolicySchema } from "./policy.js";
import { createZone, TimeZoneError, type Zone } from "./zone.js";

export type { RetentionCandidate } from "./candidates.js";
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

function zoneOrThrow(name: string): Zone {
  try {
    return createZone(name);
  } catch (error) {
    if (error instanceof TimeZoneError) throw new CairnError("CONFIG_INVALID", error.message);
    throw error;
  }
}
