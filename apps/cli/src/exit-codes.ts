import { CairnError } from "@cairn/core";

/** DESIGN.md's exit codes: scripts and schedulers branch on them, so they never change. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  partial: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

const USAGE_CODES = new Set([
  "CONFIG_INVALID",
  "CONFIG_NOT_FOUND",
  "USAGE",
  "PLUGIN_NOT_FOUND",
  "PLUGIN_INVALID",
  // The fix is a key on the command line or in the config, as with a bad option.
  "DECRYPT_NO_IDENTITY",
]);

/** 2 for what the user must fix in the command line or the config, 1 for everything else. */
export function exitCodeFor(error: unknown): ExitCode {
  return CairnError.is(error) && USAGE_CODES.has(error.code) ? EXIT.usage : EXIT.failed;
}

/** All succeeded: 0; none: 1; some: 3. */
export function exitCodeForOutcomes(outcomes: readonly boolean[]): ExitCode {
  const ok = outcomes.filter(Boolean).length;
  if (ok === outcomes.length) return EXIT.ok;
  return ok === 0 ? EXIT.failed : EXIT.partial;
}
