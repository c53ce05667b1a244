import { PassThrough } from "node:stream";
import { runCli } from "../program.js";

export interface InProcessRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs one command line inside the test's process: the same program a user runs, without the
 * second or so a fresh Node takes to start, for tests that run cairn dozens of times.
 */
export async function cairn(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<InProcessRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.setEncoding("utf8").on("data", (t: string) => {
    out += t;
  });
  stderr.setEncoding("utf8").on("data", (t: string) => {
    err += t;
  });
  const code = await runCli(args, { stdout, stderr, cwd, env: { ...process.env, NO_COLOR: "1", ...env } });
  return { code, stdout: out, stderr: err };
}

/** Runs a command with --json and parses what it printed. */
export async function cairnJson<T>(args: string[], cwd: string): Promise<T & { $run: InProcessRun }> {
  const run = await cairn([...args, "--json"], cwd);
  try {
    return { ...(JSON.parse(run.stdout) as T), $run: run };
  } catch {
    throw new Error(`cairn ${args.join(" ")} --json printed no JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
}
