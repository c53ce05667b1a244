export type { GcsDestination } from "./destination.js";
export { createGcsDestination } from "./destination.js";
export { AUTH_HINT, mapGcsError } from "./errors.js";
export { DEFAULT_CHUNK_SIZE, type GcsOptions, gcsOptions } from "./options.js";
export { default } from "./plugin.js";
export type { SoftDeleteInfo } from "./soft-delete.js";
export { softDeleteNotice } from "./soft-delete-notice.js";
