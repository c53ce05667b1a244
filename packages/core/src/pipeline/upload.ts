import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { CairnConfig, ConfiguredJob } from "../config/load.js";
import type { RunContext } from "../contracts/context.js";
import type { Source, SourceEntry } from "../contracts/source.js";
import { CairnError } from "../errors.js";
import { type Manifest, serializeManifest } from "../manifest.js";
import { archiveKey, manifestKey, newBackupId } from "../naming.js";
import type { PluginRegistry } from "../registry.js";
import type { OpenDestination } from "./open-destinations.js";
import { summarizeError } from "./outcome.js";
import type { BackupProgress, BackupResult, DestinationResult } from "./results.js";
import { tee } from "./tee.js";

export interface UploadArgs {
  config: CairnConfig;
  job: ConfiguredJob;
  registry: PluginRegistry;
  engineVersion: string;
  source: Source;
  /** The name in the backup id: the job's, or the entry's for one-backup-per-entry jobs. */
  name: string;
  entry?: string;
  /** The newest change inside the entry, recorded so later runs can tell old entries from new. */
  entryModified?: Date;
  destinations: OpenDestination[];
  started: Date;
  now: () => Date;
  ctx: RunContext;
  onProgress?: (progress: BackupProgress) => void;
}

/**
 * Streams one archive of `source` to every given destination at once, then writes the manifest
 * at each destination that stored the whole archive. Retention is the caller's.
 */
export async function uploadBackup(args: UploadArgs): Promise<BackupResult> {
  const { config, job, ctx, started } = args;
  const id = newBackupId(args.name, started);
  const results: DestinationResult[] = [];
  const base = {
    job: job.name,
    id,
    startedAt: started.toISOString(),
    ...(args.entry ? { entry: args.entry } : {}),
  };
  const fail = (error: unknown): BackupResult => {
    const summary = summarizeError(error, config.secrets);
    for (const open of args.destinations) {
      if (!results.some((r) => r.destination === open.name))
        results.push({ destination: open.name, status: "failed", error: summary });
    }
    return {
      ...base,
      status: "failed",
      finishedAt: args.now().toISOString(),
      destinations: results,
      error: summary,
    };
  };

  try {
    const archiver = args.registry.archiver(job.archive.format)(
      job.archive.level === undefined ? {} : { level: job.archive.level },
    );
    const key = archiveKey(job.name, id, archiver.extension);
    const progress: BackupProgress = { entries: 0, sourceBytes: 0, archiveBytes: 0, currentPath: undefined };
    const hash = createHash("sha256");
    let lastReport = 0;
    const archive = archiver.write(countEntries(args.source.entries(ctx), progress, args.onProgress), ctx);
    const controllers = args.destinations.map(() => new AbortController());
    const abortAll = () => {
      for (const c of controllers) c.abort(ctx.signal.reason);
    };
    ctx.signal.addEventListener("abort", abortAll, { once: true });
    const { outcomes, sourceError } = await tee(
      archive,
      args.destinations.map((open, i) => ({
        consume: (body: Readable) => open.destination.put(key, body, { signal: controllers[i]!.signal }),
      })),
      (chunk) => {
        hash.update(chunk);
        progress.archiveBytes += chunk.length;
        // Bytes written move the progress line through a large file, at most ten times a second.
        const now = Date.now();
        if (args.onProgress && now - lastReport >= 100) {
          lastReport = now;
          args.onProgress({ ...progress });
        }
      },
    ).finally(() => ctx.signal.removeEventListener("abort", abortAll));
    if (ctx.signal.aborted)
      return fail(ctx.signal.reason ?? new CairnError("ABORTED", "the backup was interrupted"));
    if (sourceError !== undefined) return fail(sourceError);

    const manifest: Manifest = {
      manifestVersion: 1,
      id,
      job: job.name,
      ...(args.entry ? { entry: args.entry } : {}),
      ...(args.entryModified ? { entryModified: args.entryModified.toISOString() } : {}),
      createdAt: started.toISOString(),
      host: config.host,
      source: config.secrets.redact(args.source.describe()),
      archive: { key, format: archiver.format, size: progress.archiveBytes, sha256: hash.digest("hex") },
      entries: progress.entries,
      sourceBytes: progress.sourceBytes,
      tags: job.tags,
      engine: { name: "cairn", version: args.engineVersion },
    };
    const body = serializeManifest(manifest);
    for (const [i, open] of args.destinations.entries()) {
      const outcome = outcomes[i]!;
      const result: DestinationResult = { destination: open.name, status: "failed", archiveKey: key };
      results.push(result);
      if (!outcome.ok) {
        result.error = summarizeError(outcome.error, config.secrets);
        ctx.logger.error(`upload to ${open.name} failed: ${result.error.message}`);
        continue;
      }
      try {
        if (outcome.value.size !== manifest.archive.size) {
          throw new CairnError(
            "DESTINATION_IO",
            `${open.name} stored ${outcome.value.size} of ${manifest.archive.size} bytes`,
          );
        }
        // The manifest goes last: only now does the backup exist at this destination.
        await open.destination.put(manifestKey(job.name, id), Readable.from([body]), {
          size: body.length,
          signal: ctx.signal,
        });
        result.status = "ok";
      } catch (error) {
        result.error = summarizeError(error, config.secrets);
        await open.destination.delete(key).catch(() => undefined);
      }
    }
    const ok = results.filter((r) => r.status === "ok").length;
    const status = ok === results.length ? "ok" : ok > 0 ? "partial" : "failed";
    const done: BackupResult = {
      ...base,
      status,
      finishedAt: args.now().toISOString(),
      archive: {
        format: manifest.archive.format,
        size: manifest.archive.size,
        sha256: manifest.archive.sha256,
        entries: manifest.entries,
        sourceBytes: manifest.sourceBytes,
      },
      destinations: results,
    };
    const first = results.find((r) => r.error)?.error;
    if (status === "failed" && first) done.error = first;
    return done;
  } catch (error) {
    return fail(error);
  }
}

async function* countEntries(
  entries: AsyncIterable<SourceEntry>,
  progress: BackupProgress,
  onProgress: ((progress: BackupProgress) => void) | undefined,
): AsyncGenerator<SourceEntry> {
  for await (const entry of entries) {
    progress.entries += 1;
    progress.currentPath = entry.path;
    if (entry.size !== undefined || !entry.open) {
      progress.sourceBytes += entry.size ?? 0;
      onProgress?.(progress);
      yield entry;
      continue;
    }
    // A file of unknown size (a streamed dump) counts its bytes as the archiver reads them.
    const open = entry.open.bind(entry);
    onProgress?.(progress);
    yield { ...entry, open: () => Readable.from(countBytes(open(), progress), { objectMode: false }) };
  }
}

async function* countBytes(content: Readable, progress: BackupProgress): AsyncGenerator<Buffer> {
  for await (const chunk of content) {
    progress.sourceBytes += (chunk as Buffer).length;
    yield chunk as Buffer;
  }
}
