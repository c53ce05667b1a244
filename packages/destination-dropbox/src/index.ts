import { defineDestination, PLUGIN_API_VERSION } from "@cairn/core";
import { createDropboxDestination } from "./destination.js";
import { dropboxOptions } from "./options.js";

export type { DropboxAuthFlowOptions, DropboxAuthFlowResult } from "./auth-flow.js";
export { dropboxAuthFlow } from "./auth-flow.js";
export type { DropboxDestination } from "./destination.js";
export { createDropboxDestination, freeBytes } from "./destination.js";
export type { DropboxOptions, DropboxOptionsInput } from "./options.js";
export { dropboxOptions } from "./options.js";

/** `type: dropbox`: backups in a Dropbox folder, through an app linked with a refresh token. */
export default defineDestination({
  type: "dropbox",
  apiVersion: PLUGIN_API_VERSION,
  options: dropboxOptions,
  secrets: ["appSecret", "refreshToken"],
  capabilities: { atomicPut: true, delete: true, freeSpace: true },
  create(options, ctx) {
    return createDropboxDestination(options, { name: ctx.name, logger: ctx.logger });
  },
});
