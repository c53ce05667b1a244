import { defineDestination, PLUGIN_API_VERSION } from "@cairn/core";
import { createSftpDestination } from "./destination.js";
import { sftpOptions } from "./options.js";

export { fingerprint } from "./fingerprint.js";
export { type SftpOptions, sftpOptions } from "./options.js";

export default defineDestination({
  type: "sftp",
  apiVersion: PLUGIN_API_VERSION,
  options: sftpOptions,
  secrets: ["password", "passphrase", "privateKey"],
  capabilities: { atomicPut: true, delete: true, freeSpace: true },
  create: (options, ctx) => createSftpDestination(options, ctx),
});
