import { defineDestination, PLUGIN_API_VERSION } from "@cairn/core";
import { s3Options } from "./options.js";
import { createS3Destination } from "./s3-destination.js";

/**
 * Named by its package in a config: `type: cairn-destination-s3`. Everything here is cairn's
 * public plugin API: defineDestination, the Destination contract and CairnError codes.
 */
export default defineDestination({
  type: "cairn-destination-s3",
  apiVersion: PLUGIN_API_VERSION,
  options: s3Options,
  secrets: ["secretAccessKey"],
  capabilities: { delete: true, freeSpace: false, exclusiveCreate: true, compareAndSwap: true },
  create: (options) => createS3Destination(options),
});

export { createS3Destination, s3Options };
