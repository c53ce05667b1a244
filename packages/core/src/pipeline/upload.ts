import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import type { CairnConfig, ConfiguredJob } from "../config/load.js";
import type { RunContext } from "../contracts/context.js";
import type { Source } from "../contracts/source.js";
import { encryptedForm, plainForm, type StoredForm } from "../encryption/branch.js";
import { CairnError } from "../errors.js";
import type { Manifest } from "../manifest.js";
import { archiveKey, newBackupId } from "../naming.js";
import type { PluginRegistry } from "../registry.js";
import { commitBackup } from "./commit.js";
import type { OpenDestination } from "./open-destinations.js";
import { summarizeError } from "./outcome.js";
import type { BackupProgress, BackupResult, DestinationResult } from "./results.js";
import { tee } from "./tee.js";
import { type UploadLayer, uploadLayers } from "./upload-layers.js";

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
  /** The source's fingerprint for `skipUnchanged` (stages/skip-unchanged.ts). */
  fingerprint?: string;
  destinations: OpenDestination[];
  started: Date;
  now: () => Date;
  ctx: RunContext;
  onProgress?: (progress: BackupProgress) => void;
  /** The steps the data passes through; the job's own (uploadLayers) by default. */
  layers?: UploadLayer[];
}

/**
 * Streams one archive of `source` through the job's layers to every given destination at once,
 * then commits it with a manifest at each destination that stored all of it. Retention is the
 * caller's.
 */
export async function uploadBackup(args: UploadArgs): Promise<BackupResult> {
  const { config, job, ctx, started } = args;
  const id = newBackupId(args.name, started);
  const base = {
    job: job.name,
    id,
    startedAt: started.toISOString(),
    ...(args.entry ? { entry: args.entry } : {}),
  };
  const fail = (error: unknown, results: DestinationResult[] = []): BackupResult => {
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

  const progress: BackupProgress = { entries: 0, sourceBytes: 0, archiveBytes: 0, currentPath: undefined };
  const layers = args.layers ?? uploadLayers(job, progress, args.onProgress);
  try {
    const archiver = args.registry.archiver(job.archive.format)(
      job.archive.level === undefined ? {} : { level: job.archive.level },
    );
    const extension = archiver.extension + layers.map((l) => l.extension ?? "").join("");
    const key = archiveKey(job.name, id, extension);
    // A destination with its own encryption encrypts its branch of the tee; the others store the tee's bytes.
    const forms: StoredForm[] = args.destinations.map(({ configured }) =>
      configured.encryption ? encryptedForm(key, configured.encryption) : plainForm(key),
    );

    let entries = args.source.entries(ctx);
    for (const layer of layers) if (layer.entries) entries = layer.entries(entries);
    const trailer = layers.find((l) => l.trailer);
    let archive: Readable = archiver.write(
      entries,
      ctx,
      trailer ? { trailer: () => trailer.trailer!() } : {},
    );
    for (const layer of layers) if (layer.bytes) archive = layer.bytes(archive);

    const hash = createHash("sha256");
    let lastReport = 0;
    const controllers = args.destinations.map(() => new AbortController());
    const abortAll = () => {
      for (const c of controllers) c.abort(ctx.signal.reason);
    };
    ctx.signal.addEventListener("abort", abortAll, { once: true });
    const { outcomes, sourceError } = await tee(
      archive,
      args.destinations.map((open, i) => ({
        consume: (body: Readable) =>
          open.destination.put(forms[i]!.key, forms[i]!.body(body), { signal: controllers[i]!.signal }),
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
      entries: 0,
      sourceBytes: 0,
      ...(args.fingerprint ? { fingerprint: args.fingerprint } : {}),
      tags: job.tags,
      engine: { name: "cairn", version: args.engineVersion },
      ...Object.assign({}, ...layers.map((l) => l.manifest?.() ?? {})),
    };
    const manifests = forms.map((form, i) => (outcomes[i]!.ok ? form.manifest(manifest) : manifest));
    const results = await commitBackup(args.destinations, outcomes, manifests, config.secrets, ctx);
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
  } finally {
    for (const layer of layers) await layer.dispose?.();
  }
}
