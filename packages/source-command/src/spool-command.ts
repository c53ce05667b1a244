import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { CairnError } from "@cairn/core";
import { StderrTail } from "./stderr-tail.js";

export interface SpoolCommandArgs {
  /** What messages call the command: "pg_dump", "command `redis-cli --rdb -`". Never holds a secret. */
  label: string;
  /** The executable (or, with `shell`, the whole command line). */
  file: string;
  args: readonly string[];
  /** The complete environment of the child. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run `file` through this shell (true: the platform's default shell). */
  shell?: boolean | string;
  /** Milliseconds before the command (and everything it started) is killed. */
  timeoutMs?: number;
  signal: AbortSignal;
  /** Where standard output is written (created with mode 600: dumps hold the data). */
  to: string;
  /** Applied to every message built from the command's output. */
  redact?: (text: string) => string;
  /** Printed with a failure: what to check. */
  hint?: string;
}

/**
 * Runs a command and writes its standard output to a file. Resolves once the command exited 0
 * and every byte is on disk; otherwise rejects with SOURCE_UNREADABLE and the tail of its stderr,
 * so a failed dump never becomes a backup.
 */
export async function spoolCommand(args: SpoolCommandArgs): Promise<void> {
  const redact = args.redact ?? ((t: string) => t);
  if (args.signal.aborted) throw aborted(args.label);
  const child = spawn(args.file, [...args.args], {
    env: args.env ?? process.env,
    cwd: args.cwd,
    shell: args.shell ?? false,
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so a timeout or abort ends the command and whatever it started.
    detached: process.platform !== "win32",
    windowsHide: true,
  });
  const stderr = new StderrTail();
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => stderr.push(chunk));

  let timedOut = false;
  const stop = () => killGroup(child.pid, child.kill.bind(child));
  const timer =
    args.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          stop();
        }, args.timeoutMs);
  args.signal.addEventListener("abort", stop, { once: true });

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
    (resolve) => {
      child.once("error", (error) => resolve({ code: null, signal: null, error }));
      child.once("close", (code, signal) => resolve({ code, signal }));
    },
  );
  const written = pipeline(child.stdout, createWriteStream(args.to, { mode: 0o600 })).then(
    () => undefined,
    (error: unknown) => {
      // Out of disk space or the like: the command must not keep running for nothing.
      stop();
      return error as Error;
    },
  );
  const [exit, writeError] = await Promise.all([exited, written]).finally(() => {
    clearTimeout(timer);
    args.signal.removeEventListener("abort", stop);
  });

  if (exit.error) {
    const missing = (exit.error as NodeJS.ErrnoException).code === "ENOENT";
    throw new CairnError(
      "SOURCE_UNREADABLE",
      missing
        ? `${args.label} could not be started: ${args.file} was not found`
        : `${args.label} could not be started: ${redact(exit.error.message)}`,
      {
        cause: exit.error,
        hint: args.hint ?? "check that the program is installed and on the PATH of the cairn process",
      },
    );
  }
  if (args.signal.aborted) throw aborted(args.label);
  if (writeError) {
    throw new CairnError(
      "SOURCE_UNREADABLE",
      `could not write the output of ${args.label} to ${args.to}: ${writeError.message}`,
      { cause: writeError, hint: "check the free space of the spool folder (the source's tempDir option)" },
    );
  }
  if (exit.code === 0) return;
  const how = timedOut
    ? `timed out after ${formatSeconds(args.timeoutMs ?? 0)} and was killed`
    : exit.signal
      ? `was killed by ${exit.signal}`
      : `exited with code ${exit.code}`;
  const tail = stderr.lines(redact);
  throw new CairnError(
    "SOURCE_UNREADABLE",
    `${args.label} ${how}${tail ? `:\n${tail}` : " (no error output)"}`,
    {
      ...(args.hint ? { hint: args.hint } : {}),
    },
  );
}

function aborted(label: string): CairnError {
  return new CairnError("ABORTED", `${label} was stopped because the backup was interrupted`);
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

function killGroup(pid: number | undefined, fallback: (signal: NodeJS.Signals) => boolean): void {
  if (pid === undefined) return;
  try {
    if (process.platform === "win32") fallback("SIGKILL");
    else process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}
