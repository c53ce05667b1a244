export type { DropboxAuthFlowOptions, DropboxAuthFlowResult } from "./auth-flow.js";
export { dropboxAuthFlow } from "./auth-flow.js";
export type { DropboxDestination } from "./destination.js";
export { createDropboxDestination, freeBytes } from "./destination.js";
export type { DropboxOptions, DropboxOptionsInput } from "./options.js";
export { dropboxOptions } from "./options.js";

export { default } from "./plugin.js";
