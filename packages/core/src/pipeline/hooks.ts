import { finished } from "node:stream/promises";
import { startCommand } from "../process/run-command.js";

export interface HookConfig {
  before?: string | undefined;
  after?: string | undefined;
  onSuccess?: string | undefined;
  onFailure?: string | undefined;
  /** Milliseconds a hook may run before it is killed. */
  timeoutMs: number;
}

/**
 * Runs a user's hook command through the shell (hooks are shell lines by nature) with the run's
 * facts in its environment. Rejects with HOOK_FAILED and the tail of its stderr when it fails
 * or times out; the command and everything it started are ended on a timeout or an abort.
 */
export async function runHook(
  which: string,
  command: string,
  env: Record<string, string>,
  timeoutMs: number,
  signal: AbortSignal,
  redact: (text: string) => string = (t) => t,
): Promise<void> {
  const output = startCommand({
    label: `${which} hook`,
    file: command,
    args: [],
    shell: true,
    env: { ...process.env, ...env },
    timeoutMs,
    signal,
    redact,
    hint: `the hook was: ${redact(command)}`,
    errorCode: "HOOK_FAILED",
  });
  // What a hook prints is not kept; reading it lets the hook run to its end.
  output.resume();
  await finished(output);
}
