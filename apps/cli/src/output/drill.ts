import type { DrillResult } from "@cairn/core";
import type { Session } from "../session.js";
import { formatBytes, formatDuration, plural } from "./format.js";

/** A drill's result as lines a person reads: the verdict first, then what was checked. */
export function printDrill(session: Session, result: DrillResult): void {
  const where = result.id ? `  ${result.id} from ${result.destination}` : "";
  const restored = result.restored;
  if (result.status === "ok" && restored) {
    const what = result.sample === undefined ? "" : ` (a sample of ${result.sample})`;
    const checked = result.indexed
      ? "every file matches its index"
      : "made before per-entry checksums: checked by the archive's SHA-256 only";
    session.print(
      `ok      ${result.job}${where}: ${plural(restored.entries, "entry", "entries")}${what}, ${formatBytes(restored.bytes)} restored in ${formatDuration(restored.durationMs)} (${formatBytes(restored.bytesPerSecond)}/s), ${checked}`,
    );
  } else {
    session.print(
      `FAILED  ${result.job}${where}: ${result.error?.message ?? "unknown error"} [${result.error?.code ?? "INTERNAL"}]`,
    );
    for (const problem of result.problems ?? []) session.print(`        ${problem}`);
  }
  for (const check of result.sourceChecks ?? []) {
    const name = check.path ? `${check.path}: ` : "";
    session.print(`        ${name}${check.check} ${check.status}${check.detail ? `: ${check.detail}` : ""}`);
  }
  const changes = result.changes;
  if (changes) {
    session.print(
      `        since the backup: ${changes.changed} changed, ${changes.added} new, ${changes.removed} removed, ${changes.unchanged} unchanged`,
    );
    for (const example of changes.examples) session.print(`          ${example}`);
  }
}
