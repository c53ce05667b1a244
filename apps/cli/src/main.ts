#!/usr/bin/env node
import { applyV8Flags } from "./v8-flags.js";

// Before anything else is loaded (see v8-flags.ts).
applyV8Flags();

const { processIO } = await import("./io.js");
const { runCli } = await import("./program.js");

// The first Ctrl-C stops the run cleanly (nothing partial is left as a backup); a second one
// exits at once for someone who does not want to wait for the cleanup.
const interrupt = new AbortController();
process.once("SIGINT", () => {
  process.stderr.write("\nstopping: cleaning up the partial upload (press Ctrl-C again to quit at once)\n");
  interrupt.abort();
  process.once("SIGINT", () => process.exit(130));
});
process.once("SIGTERM", () => interrupt.abort());

process.exitCode = await runCli(process.argv.slice(2), processIO(interrupt.signal));
