import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Every test spawns the real command, several times; on a loaded two-core machine that is slow.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
