export type { GcsDestination } from "./destination.js";
export { createGcsDestination } from "./destination.js";
export { DEFAULT_CHUNK_SIZE, type GcsOptions, gcsOptions } from "./options.js";
export { default } from "./plugin.js";
