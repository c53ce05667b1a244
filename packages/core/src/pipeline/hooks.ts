import { spawn } from "node:child_process";
import { CairnError } from "../errors.js";

export interface HookConfig {
  before?: string | undefined;
  after?: string | undefined;
  onSuccess?: string | undefined;
  onFailure?: string | undefined;
  /** Milliseconds a hook may run before it is killed. */
  timeoutMs: number;
}

const STDERR_TAIL_LINES = 20;

/**
 * Runs a user's hook command through the shell (hooks are shell lines by nature) with the run's
 * facts in its environment. Rejects with the tail of its stderr when it fails or times out.
 */
export async function runHook(
  which: string,
  command: string,
  env: Record<string, string>,
  timeoutMs: number,
  signal: AbortSignal,
  redact: (text: string) => string = (t) => t,
): Promise<void> {
  // Its own process group, so a timeout ends the command and everything it started, not just the shell.
  const child = spawn(command, {
    shell: true,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
    detached: process.platform !== "win32",
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-16_384);
  });
  let timedOut = false;
  const stop = () => killGroup(child.pid);
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, timeoutMs);
  signal.addEventListener("abort", stop, { once: true });
  const [code, signalName] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    child.on("error", (error) => {
      stderr += String(error);
      resolve([127, null]);
    });
    child.on("close", (exitCode, killedBy) => resolve([exitCode, killedBy]));
  }).finally(() => {
    clearTimeout(timer);
    signal.removeEventListener("abort", stop);
  });
  if (code === 0) return;
  const tail = stderr.trimEnd().split("\n").slice(-STDERR_TAIL_LINES).join("\n");
  const how = timedOut
    ? `timed out after ${Math.round(timeoutMs / 1000)} s`
    : signalName
      ? `was killed by ${signalName}`
      : `exited with code ${code}`;
  throw new CairnError("HOOK_FAILED", redact(`${which} hook ${how}${tail ? `:\n${tail}` : ""}`), {
    hint: `the hook was: ${redact(command)}`,
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(process.platform === "win32" ? pid : -pid, "SIGKILL");
  } catch {
    // already gone
  }
}
