import { commandSource } from "./command-source.js";

export default commandSource;
export type { CommandSourceOptions } from "./command-options.js";
export { commandSourceOptions } from "./command-options.js";
export { commandSource, createCommandSource } from "./command-source.js";
export { timeoutSchema } from "./duration.js";
export { entryNameFrom, entryNameSchema } from "./entry-name.js";
export { findExecutable } from "./find-executable.js";
export { type CommandArgs, startCommand } from "./run-command.js";
export { type SpoolCommandArgs, spoolCommand } from "./spool-command.js";
export { createSpooledSource, type SpooledEntryMeta, type SpooledSourceSpec } from "./spooled-source.js";
export { redactValues, StderrTail } from "./stderr-tail.js";
