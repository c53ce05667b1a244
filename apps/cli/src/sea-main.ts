import { sizeThreadPool } from "./thread-pool.js";
import { applyV8Flags } from "./v8-flags.js";

// The single executable's entry (see scripts/package.mjs). Node runs it as CommonJS, where
// there is no top-level await; otherwise it is main.ts.
applyV8Flags();
sizeThreadPool();

void import("./start.js").then(({ start }) => start());
