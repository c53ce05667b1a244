import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Every test spawns the real command, several times; on a loaded two-core machine that is slow.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A test file mostly waits on the commands it spawns, servers and timers: one file a core
    // (Vitest's default leaves one core free) took this package from 424 to 212 s on two cores.
    // `npm test` runs src/memory.test.ts apart, after the rest (package.json): it measures a
    // child's peak resident size, which the other files' load would raise.
    maxWorkers: "100%",
  },
});
