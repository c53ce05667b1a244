import type { ConfiguredJob } from "../../config/load.js";
import { overallStatus } from "../../notify/payload.js";
import { runHook } from "../hooks.js";
import { type BackupResult, succeeded } from "../results.js";
import type { JobRun, Stage } from "./stage.js";

/** The `before` hook; when it fails, nothing is backed up. */
export const beforeHook: Stage = async (run, next) => {
  const { hooks } = run.job;
  if (hooks.before) {
    await runHook(
      "before",
      hooks.before,
      hookEnv(run.job, undefined),
      hooks.timeoutMs,
      run.ctx.signal,
      redactor(run),
    );
  }
  await next();
};

/**
 * `onSuccess` or `onFailure`, then `after`, once the run has its results. They run even when the
 * run was interrupted (with a fresh signal), and their failure is a warning: the backup stands.
 */
export const afterHooks: Stage = async (run, next) => {
  await next();
  const { hooks } = run.job;
  const ok = run.results.every((r) => succeeded(r.status));
  const which: [string, string | undefined][] = [
    [ok ? "onSuccess" : "onFailure", ok ? hooks.onSuccess : hooks.onFailure],
    ["after", hooks.after],
  ];
  for (const [name, command] of which) {
    if (!command) continue;
    try {
      await runHook(
        name,
        command,
        hookEnv(run.job, run.results),
        hooks.timeoutMs,
        new AbortController().signal,
        redactor(run),
      );
    } catch (error) {
      run.logger.warn((error as Error).message);
    }
  }
};

function redactor(run: JobRun): (text: string) => string {
  return (text) => run.config.secrets.redact(text);
}

function hookEnv(job: ConfiguredJob, results: BackupResult[] | undefined): Record<string, string> {
  const env: Record<string, string> = { CAIRN_JOB: job.name };
  if (!results) return env;
  env.CAIRN_STATUS = overallStatus(results);
  env.CAIRN_BACKUP_ID = results
    .map((r) => r.id)
    .filter(Boolean)
    .join(" ");
  env.CAIRN_DESTINATIONS = JSON.stringify(
    results.flatMap((r) =>
      r.destinations.map((d) => ({ backup: r.id, destination: d.destination, status: d.status })),
    ),
  );
  return env;
}
