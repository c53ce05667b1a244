import { uploadBackup } from "../upload.js";
import type { Stage } from "./stage.js";

/** Makes each planned archive, one after another, and stops early when the run is interrupted. */
export const uploadPlanned: Stage = async (run, next) => {
  const { options, ctx } = run;
  for await (const planned of run.plan) {
    run.results.push(
      await uploadBackup({
        config: run.config,
        job: run.job,
        registry: options.registry,
        engineVersion: options.engineVersion,
        source: planned.source,
        name: planned.name,
        ...(planned.entry === undefined
          ? {}
          : { entry: planned.entry.name, entryModified: planned.entry.modified }),
        ...(planned.fingerprint === undefined ? {} : { fingerprint: planned.fingerprint }),
        destinations: planned.to,
        started: run.now(),
        now: run.now,
        ctx,
        onProgress: (p) => options.onProgress?.({ ...p, name: planned.name }),
      }),
    );
    if (ctx.signal.aborted) break;
  }
  // An interrupted run prunes nothing: what it made is not all there is to judge by.
  if (ctx.signal.aborted) return;
  await next();
};
