import { defineDestination, PLUGIN_API_VERSION } from "@cairn/core";
import { dropboxOptions } from "./options.js";

/** `type: dropbox`: backups in a Dropbox folder, through an app linked with a refresh token. */
export default defineDestination({
  type: "dropbox",
  apiVersion: PLUGIN_API_VERSION,
  options: dropboxOptions,
  secrets: ["appSecret", "refreshToken"],
  capabilities: {
    delete: true,
    freeSpace: true,
    deleteMany: true,
    exclusiveCreate: true,
    compareAndSwap: true,
  },
  // The SDK is loaded only when a job uses this destination: every cairn command pays for
  // what it loads, and a backup's peak memory starts from there.
  create: async (options, ctx) =>
    (await import("./destination.js")).createDropboxDestination(options, {
      name: ctx.name,
      logger: ctx.logger,
    }),
});
