#!/usr/bin/env node
import { sizeThreadPool } from "./thread-pool.js";
import { applyV8Flags } from "./v8-flags.js";

// Before anything else is loaded (see v8-flags.ts and thread-pool.ts).
applyV8Flags();
sizeThreadPool();

const { start } = await import("./start.js");
await start();
