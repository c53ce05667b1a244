export { DROPBOX_BLOCK_SIZE, DropboxContentHasher, dropboxContentHash } from "./content-hash.js";
export type { SpaceAllocation } from "./context.js";
export type { DropboxEmulator, DropboxEmulatorOptions, RateLimitFault } from "./emulator.js";
export { startDropboxEmulator } from "./emulator.js";
export type { CallRecord } from "./server.js";
