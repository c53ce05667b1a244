import { resolve } from "node:path";
import { defineDestination, expandHome, PLUGIN_API_VERSION } from "@cairn/core";
import { z } from "zod";
import { createLocalDestination } from "./local-destination.js";

export const localOptions = z.strictObject({
  /** The folder backups go to; created if missing. Relative to the config file; `~` is the home folder. */
  path: z.string().min(1),
});

/** A folder on a local disk, or on anything mounted there (USB disk, NFS, SMB). */
export const localDestination = defineDestination({
  type: "local",
  apiVersion: PLUGIN_API_VERSION,
  options: localOptions,
  capabilities: { delete: true, freeSpace: true, exclusiveCreate: true },
  create: (options, ctx) => createLocalDestination(resolve(ctx.baseDir, expandHome(options.path))),
});

export default localDestination;
export { createLocalDestination };
