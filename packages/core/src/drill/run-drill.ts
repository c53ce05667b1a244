import type { CompleteBackup } from "../catalog/list-backups.js";
import type { CairnConfig, ConfiguredJob } from "../config/load.js";
import { SIZES_UP_FRONT } from "../contracts/archiver.js";
import type { Logger, RunContext } from "../contracts/context.js";
import { isSplitSource, type Source } from "../contracts/source.js";
import type { DecryptionKeys } from "../encryption/open-stored.js";
import { CairnError } from "../errors.js";
import { closeQuietly, type OpenDestination } from "../pipeline/open-destinations.js";
import { summarizeError } from "../pipeline/outcome.js";
import type { PluginRegistry } from "../registry.js";
import { drillBackup } from "./drill-backup.js";
import { type DrillResult, failureOf } from "./drill-result.js";
import { notifyDrill } from "./notify-drill.js";
import { type BackupChoice, pickBackup } from "./pick-backup.js";
import { writeDrillRecord } from "./record.js";
import { cryptoRandomInt, type RandomInt } from "./sample.js";

export interface DrillRunOptions extends BackupChoice {
  config: CairnConfig;
  job: ConfiguredJob;
  registry: PluginRegistry;
  logger: Logger;
  /** Restore this many files chosen at random instead of everything. */
  sample?: number;
  /** The folder the sandbox is made in; the system's temp folder by default. */
  sandbox?: string;
  /** Also compare the restored files with the live source (path sources; informational). */
  compare?: boolean;
  /** Keys for an encrypted backup; the job's own `encryption.identities` by default. */
  decryption?: DecryptionKeys;
  signal?: AbortSignal;
  now?: () => Date;
  randomInt?: RandomInt;
}

/** Picks a backup of the job, drills it, records the result locally and tells the job's notifiers. */
export async function runDrill(options: DrillRunOptions): Promise<DrillResult> {
  const { config, job, logger } = options;
  const now = options.now ?? (() => new Date());
  const random = options.randomInt ?? cryptoRandomInt;
  const started = now();
  const ctx: RunContext = { signal: options.signal ?? new AbortController().signal, logger };
  const base = { job: job.name, host: config.host, startedAt: started.toISOString() };
  let result: DrillResult;
  let open: OpenDestination | undefined;
  let drilled: CompleteBackup | undefined;
  try {
    if (options.compare && job.source.plugin.type !== "path") {
      throw new CairnError(
        "USAGE",
        `--compare needs a path source; job ${job.name}'s is ${job.source.plugin.type}`,
        {
          hint: "leave --compare out: the drill still checks every restored file against the backup's index",
        },
      );
    }
    const picked = await pickBackup(config, job, options, logger, random, ctx.signal);
    open = picked.open;
    const { backup } = picked;
    drilled = backup;
    const archiver = options.registry.archiver(backup.manifest.archive.format)({});
    const source = await sourceFor(options, backup.manifest.entry, ctx);
    logger.info(`job ${job.name}: drilling ${backup.id} from ${open.name}`, { job: job.name, id: backup.id });
    const check = await drillBackup(
      open.destination,
      backup,
      archiver,
      {
        source,
        decryption: options.decryption ?? configuredKeys(config, job, open.name),
        random,
        ...(options.sample === undefined ? {} : { sample: options.sample }),
        ...(options.sandbox === undefined ? {} : { sandboxParent: options.sandbox }),
        ...(options.compare ? { compare: true } : {}),
      },
      ctx,
    );
    // A tool's own words could quote a connection string: hidden like every other message.
    const sourceChecks = check.sourceChecks.map((c) =>
      c.detail === undefined ? c : { ...c, detail: config.secrets.redact(c.detail) },
    );
    const failedChecks = sourceChecks.filter((c) => c.status === "failed");
    const seconds = check.restored.durationMs / 1000;
    const failed = check.problemCount > 0 || failedChecks.length > 0;
    result = {
      ...base,
      status: failed ? "failed" : "ok",
      finishedAt: now().toISOString(),
      destination: open.name,
      id: backup.id,
      backupCreatedAt: backup.time.toISOString(),
      ...(options.sample === undefined ? {} : { sample: options.sample }),
      indexed: check.indexed,
      restored: {
        ...check.restored,
        durationMs: Math.round(check.restored.durationMs),
        bytesPerSecond: seconds > 0 ? Math.round(check.restored.archiveBytes / seconds) : 0,
      },
      checked: check.checked,
      problems: check.problems,
      sourceChecks,
      ...(check.changes ? { changes: check.changes } : {}),
      ...(failed ? { error: failureOf(check.problemCount, check.problems, failedChecks) } : {}),
    };
  } catch (error) {
    const interrupted = ctx.signal.aborted && !CairnError.is(error, "ABORTED");
    result = {
      ...base,
      status: "failed",
      finishedAt: now().toISOString(),
      ...(open ? { destination: open.name } : {}),
      ...(drilled ? { id: drilled.id, backupCreatedAt: drilled.time.toISOString() } : {}),
      error: interrupted
        ? { code: "ABORTED", message: "the drill was interrupted; its sandbox is removed" }
        : summarizeError(error, config.secrets),
    };
  } finally {
    if (open) await closeQuietly(open, logger);
  }
  await writeDrillRecord(config.stateDir, result).catch((error: unknown) =>
    logger.warn(`could not record the drill in ${config.stateDir}: ${(error as Error).message}`),
  );
  if (job.notify.length > 0) {
    await notifyDrill(job.notify, result, { logger, redact: (text) => config.secrets.redact(text) });
  }
  return result;
}

/** A fresh instance of the job's source: never prepared, so checking restored files leaves the live one alone. */
async function sourceFor(
  options: DrillRunOptions,
  entry: string | undefined,
  ctx: RunContext,
): Promise<Source> {
  const { job, config } = options;
  const source = await job.source.plugin.create(job.source.options, {
    ...ctx,
    baseDir: config.baseDir,
    name: job.name,
    secrets: config.secrets,
    sizesUpFront: SIZES_UP_FRONT[job.archive.format],
  });
  // A job that makes one backup per entry: the live counterpart of this backup is that entry's part.
  if (!options.compare || entry === undefined || !isSplitSource(source)) return source;
  for await (const part of source.parts(ctx)) if (part.name === entry) return part.source;
  return { describe: () => `${entry} (gone)`, entries: async function* () {} };
}

/** The keys the config holds for the job's backups at a destination (the job's or the destination's own encryption). */
function configuredKeys(config: CairnConfig, job: ConfiguredJob, destination: string): DecryptionKeys {
  const layers = [job.encryption, config.destinations.get(destination)?.encryption];
  return {
    identities: layers.flatMap((layer) => layer?.identities ?? []),
    passphrases: layers.flatMap((layer) => layer?.passphrases ?? []),
  };
}
