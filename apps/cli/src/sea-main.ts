import { applyV8Flags } from "./v8-flags.js";

// The single executable's entry (see scripts/package.mjs). Node runs it as CommonJS, where
// there is no top-level await; otherwise it is main.ts.
applyV8Flags();

void import("./start.js").then(({ start }) => start());
