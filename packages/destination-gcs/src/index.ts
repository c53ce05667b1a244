import { defineDestination, PLUGIN_API_VERSION } from "@cairn/core";
import { createGcsDestination } from "./destination.js";
import { gcsOptions } from "./options.js";

export type { GcsDestination } from "./destination.js";
export { createGcsDestination } from "./destination.js";
export { AUTH_HINT, mapGcsError } from "./errors.js";
export { DEFAULT_CHUNK_SIZE, type GcsOptions, gcsOptions } from "./options.js";
export type { SoftDeleteInfo } from "./soft-delete.js";
export { softDeleteNotice } from "./soft-delete-notice.js";

/** Google Cloud Storage: `{ type: gcs, bucket, prefix }`, credentials from ADC, `keyFile` or `credentials`. */
export default defineDestination({
  type: "gcs",
  apiVersion: PLUGIN_API_VERSION,
  options: gcsOptions,
  secrets: ["credentials"],
  capabilities: { atomicPut: true, delete: true, freeSpace: false },
  create: (options, ctx) => createGcsDestination(options, ctx),
});
