import { defineDestination, PLUGIN_API_VERSION } from "@cairn/core";
import { sftpOptions } from "./options.js";

/** SFTP: a NAS or server over SSH, `{ type: sftp, host, username, path }` with a pinned host key. */
export default defineDestination({
  type: "sftp",
  apiVersion: PLUGIN_API_VERSION,
  options: sftpOptions,
  secrets: ["password", "passphrase", "privateKey"],
  capabilities: { delete: true, freeSpace: true, exclusiveCreate: true },
  // The SDK is loaded only when a job uses this destination: every cairn command pays for
  // what it loads, and a backup's peak memory starts from there.
  create: async (options, ctx) => (await import("./destination.js")).createSftpDestination(options, ctx),
});
