import { SIZES_UP_FRONT } from "../../contracts/archiver.js";
import type { Stage } from "./stage.js";

/** Creates the job's source and takes its snapshot; removes the snapshot whatever happens next. */
export const openSource: Stage = async (run, next) => {
  const { job, config, ctx } = run;
  try {
    run.source = await job.source.plugin.create(job.source.options, {
      ...ctx,
      baseDir: config.baseDir,
      name: job.name,
      secrets: config.secrets,
      sizesUpFront: SIZES_UP_FRONT[job.archive.format],
    });
    await run.source.prepare?.(ctx);
    await next();
  } finally {
    await run.source
      ?.cleanup?.(ctx)
      .catch((error: unknown) => run.logger.warn(`source cleanup failed: ${(error as Error).message}`));
  }
};
