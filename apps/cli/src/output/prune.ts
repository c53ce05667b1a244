import {
  type ConfiguredJob,
  describeGroup,
  type ErrorSummary,
  type RetentionGroup,
  type RetentionRun,
} from "@cairn/core";
import type { Session } from "../session.js";
import { formatAge, formatBytes, plural } from "./format.js";
import { table } from "./table.js";

/** One job's prune at one destination: its plan and what was done, or why it could not run. */
export interface Pruned {
  job: ConfiguredJob;
  group: RetentionGroup;
  destination: string;
  run?: RetentionRun;
  error?: ErrorSummary;
}

/** The plan as a table, with its notes and what was removed (or would be, on a dry run). */
export function printPlan(session: Session, pruned: Pruned, dryRun: boolean, now: Date): void {
  const policy = describePolicy(pruned.job.retention);
  session.print(
    `job ${pruned.job.name} at ${pruned.destination}, ${describeGroup(pruned.group)} (time zone ${pruned.job.timeZone}; policy ${policy})`,
  );
  if (pruned.error) {
    session.print(`  error: ${pruned.error.message} [${pruned.error.code}]`);
    if (pruned.error.hint) session.print(`  hint: ${pruned.error.hint}`);
    return;
  }
  const run = pruned.run!;
  const rows = [
    ...run.keep.map((b) => ({ b, action: "keep", reasons: b.reasons })),
    ...run.remove.map((b) => ({ b, action: "remove", reasons: b.reasons })),
  ]
    .sort((x, y) => y.b.time.getTime() - x.b.time.getTime())
    .map(({ b, action, reasons }) => [
      b.id,
      formatAge(b.time, now),
      formatBytes(b.size),
      action,
      reasons.join(", "),
    ]);
  for (const upload of run.staleIncomplete) {
    rows.push([
      `${upload.id} (incomplete)`,
      formatAge(upload.time, now),
      formatBytes(upload.size),
      "remove",
      `incomplete upload (${upload.reason}) older than a day`,
    ]);
  }
  if (rows.length === 0) session.print("  no backups here");
  else for (const line of table(["backup", "age", "size", "action", "reasons"], rows)) session.print(line);
  for (const note of run.notes) session.print(`  note: ${note}`);
  const count = run.remove.length + run.staleIncomplete.length;
  if (dryRun) {
    const bytes = sum(run.remove.map((b) => b.size)) + sum(run.staleIncomplete.map((u) => u.size));
    session.print(
      `  dry run: would remove ${plural(count, "item")} and free ${formatBytes(bytes)}; nothing was deleted`,
    );
  } else {
    session.print(`  removed ${plural(run.removed.length, "backup")}, freed ${formatBytes(run.bytesFreed)}`);
  }
  for (const error of run.errors) session.print(`  error: ${error.message} [${error.code}]`);
}

/** The plan for `--json`. */
export function toJson(pruned: Pruned, dryRun: boolean) {
  const base = {
    job: pruned.job.name,
    destination: pruned.destination,
    host: pruned.group.host ?? null,
    timeZone: pruned.job.timeZone,
    policy: pruned.job.retention ?? {},
    dryRun,
  };
  if (pruned.error) return { ...base, error: pruned.error };
  const run = pruned.run!;
  const item = (b: RetentionRun["keep"][number]) => ({
    id: b.id,
    time: b.time.toISOString(),
    size: b.size,
    reasons: b.reasons,
  });
  return {
    ...base,
    keep: run.keep.map(item),
    remove: run.remove.map(item),
    incomplete: run.staleIncomplete.map((u) => ({
      id: u.id,
      time: u.time.toISOString(),
      size: u.size,
      reason: u.reason,
      keys: u.keys,
    })),
    notes: run.notes,
    removed: run.removed,
    bytesFreed: dryRun
      ? sum(run.remove.map((b) => b.size)) + sum(run.staleIncomplete.map((u) => u.size))
      : run.bytesFreed,
    errors: run.errors,
  };
}

function describePolicy(policy: object | undefined): string {
  const entries = Object.entries(policy ?? {});
  if (entries.length === 0) return "none, nothing is removed";
  return entries
    .map(([key, value]) => `${key} ${typeof value === "object" ? JSON.stringify(value) : String(value)}`)
    .join(", ");
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
