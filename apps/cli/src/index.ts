export { EXIT, type ExitCode } from "./exit-codes.js";
export { type CliIO, processIO } from "./io.js";
export { createProgram, runCli } from "./program.js";
export { createRegistry } from "./registry.js";
