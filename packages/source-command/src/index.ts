import { commandSource } from "./command-source.js";

export default commandSource;
export type { CommandSourceOptions } from "./command-options.js";
export { commandSourceOptions } from "./command-options.js";
export { commandSource, createCommandSource } from "./command-source.js";
