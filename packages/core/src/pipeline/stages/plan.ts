import { listBackups } from "../../catalog/list-backups.js";
import type { RunContext } from "../../contracts/context.js";
import { isSplitSource, type SourcePart } from "../../contracts/source.js";
import { inGroup, type RetentionGroup, retentionGroup } from "../../retention/index.js";
import type { OpenDestination } from "../open-destinations.js";
import type { PlannedUpload, Stage } from "./stage.js";

/**
 * Decides which archives the run makes and where each goes: one archive of the whole source to
 * every destination, or (`each: entry`) one per entry to each destination that lacks it.
 */
export const planUploads: Stage = async (run, next) => {
  const source = run.source!;
  run.plan = isSplitSource(source)
    ? newParts(
        source.parts(run.ctx),
        run.destinations,
        retentionGroup(run.job.name, run.job.retention?.groupBy, run.config.host),
        run.ctx,
      )
    : single({ source, name: run.job.name, to: run.destinations });
  await next();
};

async function* single(upload: PlannedUpload): AsyncGenerator<PlannedUpload> {
  yield upload;
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
  group: RetentionGroup,
  ctx: RunContext,
): AsyncGenerator<PlannedUpload> {
  const held = await Promise.all(
    opened.map(async (open) => {
      const listed = await listBackups(open.destination, group.job, ctx.signal);
      // What another host holds is not this host's: its own retention may drop it at any time.
      const catalog = { complete: listed.complete.filter((b) => inGroup(b.manifest, group)) };
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
    if (to.length > 0) {
      yield {
        source: part.source,
        name: idSafe(part.name),
        entry: { name: part.name, modified: part.modified },
        to,
      };
    } else {
      ctx.logger.debug(`${part.name} is already backed up everywhere`);
    }
  }
}

/** Entry names may hold anything; the id keeps letters, digits, '.', '_' and '-' (the manifest keeps the real name). */
function idSafe(name: string): string {
  const safe = name
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^[^A-Za-z0-9]+/, "");
  return (safe || "entry").slice(0, 80);
}
