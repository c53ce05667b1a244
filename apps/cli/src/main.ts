#!/usr/bin/env node
import { applyV8Flags } from "./v8-flags.js";

// Before anything else is loaded (see v8-flags.ts).
applyV8Flags();

const { start } = await import("./start.js");
await start();
