import { describe, expect, it } from "vitest";
import { sizeThreadPool, threadPoolSizeFor } from "./thread-pool.js";

describe("libuv's thread pool", () => {
  it("gets a thread a core, never fewer than two nor more than libuv's own four", () => {
    expect([1, 2, 3, 4, 16].map(threadPoolSizeFor)).toEqual([2, 2, 3, 4, 4]);
  });

  it("keeps the size a user set", () => {
    const env: NodeJS.ProcessEnv = { UV_THREADPOOL_SIZE: "12" };
    sizeThreadPool(env);
    expect(env.UV_THREADPOOL_SIZE).toBe("12");
    const unset: NodeJS.ProcessEnv = {};
    sizeThreadPool(unset);
    expect(Number(unset.UV_THREADPOOL_SIZE)).toBeGreaterThanOrEqual(2);
  });
});
