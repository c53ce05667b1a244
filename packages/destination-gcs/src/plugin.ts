import { defineDestination, PLUGIN_API_VERSION } from "@cairn/core";
import { gcsOptions } from "./options.js";

/** Google Cloud Storage: `{ type: gcs, bucket, prefix }`, credentials from ADC, `keyFile` or `credentials`. */
export default defineDestination({
  type: "gcs",
  apiVersion: PLUGIN_API_VERSION,
  options: gcsOptions,
  secrets: ["credentials"],
  capabilities: { delete: true, freeSpace: false, exclusiveCreate: true, compareAndSwap: true },
  // The SDK is loaded only when a job uses this destination: every cairn command pays for
  // what it loads, and a backup's peak memory starts from there.
  create: async (options, ctx) => (await import("./destination.js")).createGcsDestination(options, ctx),
});
