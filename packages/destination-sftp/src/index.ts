export { fingerprint } from "./fingerprint.js";
export { type SftpOptions, sftpOptions } from "./options.js";

export { default } from "./plugin.js";
