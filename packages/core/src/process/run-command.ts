import { spawn } from "node:child_process";
import { PassThrough, type Readable } from "node:stream";
import { CairnError, type ErrorCode } from "../errors.js";
import { StderrTail } from "./stderr-tail.js";

export interface CommandArgs {
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
  /** Applied to every message built from the command's output. */
  redact?: (text: string) => string;
  /** Printed with a failure: what to check. */
  hint?: string;
  /** The code of the error a failed command gives; SOURCE_UNREADABLE by default (a dump that failed). */
  errorCode?: ErrorCode;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

/**
 * Runs a command and gives its standard output as a stream, with the command's pace (a slow
 * reader slows the command down). The stream ends only after the command exited 0; otherwise it
 * fails with SOURCE_UNREADABLE and the tail of the command's stderr, so an archive written from it
 * fails rather than holding a cut-off dump. Destroying the stream ends the command and everything
 * it started.
 */
export function startCommand(args: CommandArgs): Readable {
  const output = new PassThrough();
  if (args.signal.aborted) {
    process.nextTick(() => output.destroy(aborted(args.label)));
    return output;
  }
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
  let exited = false;
  const stop = () => {
    if (!exited) killGroup(child.pid, child.kill.bind(child));
  };
  const timer =
    args.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          stop();
        }, args.timeoutMs);
  args.signal.addEventListener("abort", stop, { once: true });
  // A reader that gives up (an aborted backup, a failed upload) must not leave the command running.
  output.once("close", stop);

  child.stdout.pipe(output, { end: false });
  const finish = (exit: Exit) => {
    if (exited) return;
    exited = true;
    clearTimeout(timer);
    args.signal.removeEventListener("abort", stop);
    const failure = failureOf(exit, args, timedOut, stderr);
    if (failure) output.destroy(failure);
    else output.end();
  };
  child.once("error", (error) => finish({ code: null, signal: null, error }));
  // After stdout closed: every byte is in `output` by now.
  child.once("close", (code, signal) => finish({ code, signal }));
  return output;
}

function failureOf(
  exit: Exit,
  args: CommandArgs,
  timedOut: boolean,
  stderr: StderrTail,
): CairnError | undefined {
  const redact = args.redact ?? ((t: string) => t);
  const code = args.errorCode ?? "SOURCE_UNREADABLE";
  if (exit.error) {
    const missing = (exit.error as NodeJS.ErrnoException).code === "ENOENT";
    return new CairnError(
      code,
      missing
        ? `${args.label} could not be started: ${args.file} was not found`
        : `${args.label} could not be started: ${redact(exit.error.message)}`,
      {
        cause: exit.error,
        hint: args.hint ?? "check that the program is installed and on the PATH of the cairn process",
      },
    );
  }
  if (args.signal.aborted) return aborted(args.label);
  if (exit.code === 0) return undefined;
  const how = timedOut
    ? `timed out after ${formatSeconds(args.timeoutMs ?? 0)} and was killed`
    : exit.signal
      ? `was killed by ${exit.signal}`
      : `exited with code ${exit.code}`;
  const tail = stderr.lines(redact);
  return new CairnError(code, `${args.label} ${how}${tail ? `:\n${tail}` : " (no error output)"}`, {
    ...(args.hint ? { hint: args.hint } : {}),
  });
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
