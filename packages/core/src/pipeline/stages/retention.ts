import { pruneUnderLease } from "../../lease/prune-under-lease.js";
import { summarizeError } from "../outcome.js";
import type { Stage } from "./stage.js";

/**
 * Applies the job's retention at each destination where every upload of this run succeeded (or
 * where `skipUnchanged` found nothing to upload), under the job's lease there, so no two hosts
 * ever prune one prefix at once.
 */
export const retainWhereUploaded: Stage = async (run, next) => {
  const { results, job, logger } = run;
  for (const open of run.destinations) {
    const mine = results.flatMap((r) => r.destinations.filter((d) => d.destination === open.name));
    // Retention never runs where an upload of this run failed.
    if (mine.length === 0 || mine.some((d) => d.status === "failed")) continue;
    const last = mine.at(-1)!;
    try {
      const held = run.leases.get(open.name);
      const retained = await pruneUnderLease(open, run.config, job, {
        now: run.now(),
        timeZone: job.timeZone,
        dryRun: false,
        logger,
        signal: run.ctx.signal,
        ...(held ? { held } : {}),
        // The backup just made stays even if another one carries a later (wrong) clock.
        protect: results.at(-1)?.id ? [results.at(-1)!.id] : [],
      });
      last.retention = {
        removed: retained.removed,
        bytesFreed: retained.bytesFreed,
        // Per-delete errors are summarized without the config's secrets; they go into --json and
        // notifications, so they are redacted here like the error caught below.
        errors: retained.errors.map((e) => ({
          ...e,
          message: run.config.secrets.redact(e.message),
          ...(e.hint ? { hint: run.config.secrets.redact(e.hint) } : {}),
        })),
        notes: retained.notes,
      };
    } catch (error) {
      last.retention = {
        removed: [],
        bytesFreed: 0,
        errors: [summarizeError(error, run.config.secrets)],
        notes: [],
      };
    }
  }
  await next();
};
