import { defineConfig } from "vitest/config";

// Only for the child run in describe-destination.test.ts.
export default defineConfig({ test: { include: ["*.suite.ts"] } });
