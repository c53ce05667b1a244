import { listBackups } from "../catalog/list-backups.js";
import type { CairnConfig, ConfiguredJob } from "../config/load.js";
import { SIZES_UP_FRONT } from "../contracts/archiver.js";
import type { Logger, RunContext } from "../contracts/context.js";
import { isSplitSource, type Source, type SourcePart } from "../contracts/source.js";
import { CairnError } from "../errors.js";
import { notifyFinish, notifyStart } from "../notify/deliver.js";
import { buildReport } from "../notify/payload.js";
import type { PluginRegistry } from "../registry.js";
import { writeRunRecord } from "../status/run-record.js";
import { applyRetention } from "./apply-retention.js";
import { runHook } from "./hooks.js";
import { lockJob } from "./lock.js";
import { makeRoomBeforeUpload } from "./make-room.js";
import { closeQuietly, type OpenDestination, openDestination } from "./open-destinations.js";
import { summarizeError } from "./outcome.js";
import type { BackupProgress, BackupResult, DestinationResult } from "./results.js";
import { uploadBackup } from "./upload.js";

export type { BackupProgress, BackupResult, DestinationResult } from "./results.js";

export interface BackupRunOptions {
  config: CairnConfig;
  job: ConfiguredJob;
  registry: PluginRegistry;
  logger: Logger;
  engineVersion: string;
  signal?: AbortSignal;
  now?: () => Date;
  onProgress?: (progress: BackupProgress & { name: string }) => void;
}

/**
 * Runs a job once: lock, `before` hook, source → archiver → every destination, manifests, then
 * retention at each destination where this run's uploads succeeded, then the `after` hooks.
 * A job that makes one backup per entry yields one result per new entry (none when nothing is new).
 */
export async function runJob(options: BackupRunOptions): Promise<BackupResult[]> {
  const { config, job, logger } = options;
  const now = options.now ?? (() => new Date());
  const delivery = { logger, redact: (text: string) => config.secrets.redact(text) };
  const started = now();
  if (job.notify.length > 0) await notifyStart(job.notify, delivery);
  const results = await runJobOnce(options);
  const report = buildReport(job.name, config.host, started, now(), results);
  // Remembered locally because destinations only ever hold successes; `cairn status` shows it.
  await writeRunRecord(config.stateDir, report).catch((error: unknown) =>
    logger.warn(`could not record the run in ${config.stateDir}: ${(error as Error).message}`),
  );
  if (job.notify.length > 0) await notifyFinish(job.notify, report, delivery);
  return results;
}

async function runJobOnce(options: BackupRunOptions): Promise<BackupResult[]> {
  const { config, job, logger } = options;
  const now = options.now ?? (() => new Date());
  const started = now();
  const runAbort = new AbortController();
  const onAbort = () => runAbort.abort(new CairnError("ABORTED", "the backup was interrupted"));
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const ctx: RunContext = { signal: runAbort.signal, logger };
  const failed = (error: unknown, destinations: DestinationResult[] = []): BackupResult[] => [
    {
      job: job.name,
      id: "",
      status: "failed",
      startedAt: started.toISOString(),
      finishedAt: now().toISOString(),
      destinations,
      error: summarizeError(error, config.secrets),
    },
  ];

  let lock: Awaited<ReturnType<typeof lockJob>>;
  try {
    lock = await lockJob(config.stateDir, config.file, job.name);
  } catch (error) {
    options.signal?.removeEventListener("abort", onAbort);
    return failed(error);
  }

  const opened: OpenDestination[] = [];
  const unopened: DestinationResult[] = [];
  let source: Source | undefined;
  let results: BackupResult[] = [];
  try {
    if (job.hooks.before) {
      await runHook(
        "before",
        job.hooks.before,
        hookEnv(job, undefined),
        job.hooks.timeoutMs,
        ctx.signal,
        (t) => config.secrets.redact(t),
      );
    }
    source = await job.source.plugin.create(job.source.options, {
      ...ctx,
      baseDir: config.baseDir,
      name: job.name,
      sizesUpFront: SIZES_UP_FRONT[job.archive.format],
    });
    await source.prepare?.(ctx);
    for (const name of job.destinations) {
      try {
        opened.push(await openDestination(config, name, logger));
      } catch (error) {
        unopened.push({ destination: name, status: "failed", error: summarizeError(error, config.secrets) });
      }
    }
    if (opened.length === 0) {
      results = failed(
        new CairnError("DESTINATION_UNAVAILABLE", "no destination of the job could be opened"),
        unopened,
      );
    } else {
      const upload = (
        part: Source,
        name: string,
        entry: { name: string; modified: Date } | undefined,
        to: OpenDestination[],
      ) =>
        uploadBackup({
          config,
          job,
          registry: options.registry,
          engineVersion: options.engineVersion,
          source: part,
          name,
          ...(entry === undefined ? {} : { entry: entry.name, entryModified: entry.modified }),
          destinations: to,
          started: now(),
          now,
          ctx,
          onProgress: (p) => options.onProgress?.({ ...p, name }),
        });
      for (const open of opened) {
        await makeRoomBeforeUpload(open.destination, job, now(), logger).catch((error: unknown) =>
          logger.warn(`could not make room at ${open.name} before the upload: ${(error as Error).message}`),
        );
      }
      if (isSplitSource(source)) {
        for await (const { part, to } of newParts(source.parts(ctx), opened, job.name, ctx)) {
          results.push(await upload(part.source, idSafe(part.name), part, to));
          if (ctx.signal.aborted) break;
        }
      } else {
        results.push(await upload(source, job.name, undefined, opened));
      }
      for (const result of results) result.destinations.push(...unopened);
      if (!ctx.signal.aborted) await retainWhereUploaded(results, opened, options, now());
    }
  } catch (error) {
    results.push(...failed(error, unopened));
  } finally {
    for (const open of opened) await closeQuietly(open, logger);
    await source
      ?.cleanup?.(ctx)
      .catch((error: unknown) => logger.warn(`source cleanup failed: ${(error as Error).message}`));
    options.signal?.removeEventListener("abort", onAbort);
    await lock.release();
  }
  await runAfterHooks(job, results, logger, (t) => config.secrets.redact(t));
  return results;
}

/** One backup of a job that makes a single archive (the common case). */
export async function runBackup(options: BackupRunOptions): Promise<BackupResult> {
  const results = await runJob(options);
  if (results.length !== 1)
    throw new Error(`job ${options.job.name} made ${results.length} backups; use runJob`);
  return results[0]!;
}

/**
 * The parts some destination does not have yet. What a destination has is read from its
 * manifests, so a new machine does not upload everything again. A part last changed before the
 * oldest entry still kept there was there when that one was shipped: retention has had its say
 * on it, so it is not sent again.
 */
async function* newParts(
  parts: AsyncIterable<SourcePart>,
  opened: OpenDestination[],
  job: string,
  ctx: RunContext,
): AsyncGenerator<{ part: SourcePart; to: OpenDestination[] }> {
  const held = await Promise.all(
    opened.map(async (open) => {
      const catalog = await listBackups(open.destination, job, ctx.signal);
      const times = catalog.complete.flatMap((b) =>
        b.manifest.entryModified ? [new Date(b.manifest.entryModified).getTime()] : [],
      );
      const oldest = times.length > 0 ? new Date(times.reduce((a, b) => Math.min(a, b))) : undefined;
      return { entries: new Set(catalog.complete.map((b) => b.manifest.entry)), oldest };
    }),
  );
  for await (const part of parts) {
    const to = opened.filter((_, i) => {
      const { entries, oldest } = held[i]!;
      return !entries.has(part.name) && !(oldest && part.modified < oldest);
    });
    if (to.length > 0) yield { part, to };
    else ctx.logger.debug(`${part.name} is already backed up everywhere`);
  }
}

async function retainWhereUploaded(
  results: BackupResult[],
  opened: OpenDestination[],
  options: BackupRunOptions,
  now: Date,
) {
  for (const open of opened) {
    const mine = results.flatMap((r) => r.destinations.filter((d) => d.destination === open.name));
    // Retention never runs where an upload of this run failed.
    if (mine.length === 0 || mine.some((d) => d.status !== "ok")) continue;
    const last = mine.at(-1)!;
    try {
      const run = await applyRetention(open.destination, options.job.name, options.job.retention, {
        now,
        timeZone: options.job.timeZone,
        dryRun: false,
        logger: options.logger,
        // The backup just made stays even if another one carries a later (wrong) clock.
        protect: results.at(-1)?.id ? [results.at(-1)!.id] : [],
      });
      last.retention = {
        removed: run.removed,
        bytesFreed: run.bytesFreed,
        errors: run.errors,
        notes: run.notes,
      };
    } catch (error) {
      last.retention = {
        removed: [],
        bytesFreed: 0,
        errors: [summarizeError(error, options.config.secrets)],
        notes: [],
      };
    }
  }
}

async function runAfterHooks(
  job: ConfiguredJob,
  results: BackupResult[],
  logger: Logger,
  redact: (t: string) => string,
) {
  const ok = results.every((r) => r.status === "ok");
  const hooks: [string, string | undefined][] = [
    [ok ? "onSuccess" : "onFailure", ok ? job.hooks.onSuccess : job.hooks.onFailure],
    ["after", job.hooks.after],
  ];
  for (const [which, command] of hooks) {
    if (!command) continue;
    try {
      await runHook(
        which,
        command,
        hookEnv(job, results),
        job.hooks.timeoutMs,
        new AbortController().signal,
        redact,
      );
    } catch (error) {
      logger.warn((error as Error).message);
    }
  }
}

function hookEnv(job: ConfiguredJob, results: BackupResult[] | undefined): Record<string, string> {
  const env: Record<string, string> = { CAIRN_JOB: job.name };
  if (!results) return env;
  const status = results.every((r) => r.status === "ok")
    ? "ok"
    : results.some((r) => r.status !== "failed")
      ? "partial"
      : "failed";
  env.CAIRN_STATUS = status;
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

/** Entry names may hold anything; the id keeps letters, digits, '.', '_' and '-' (the manifest keeps the real name). */
function idSafe(name: string): string {
  const safe = name
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^[^A-Za-z0-9]+/, "");
  return (safe || "entry").slice(0, 80);
}
