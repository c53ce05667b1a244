import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { assertBuilt, CLI, finished } from "./__fixtures__/cli.js";
import { v8FlagsFor } from "./v8-flags.js";

describe("V8 settings", () => {
  it("sets only the flags the running V8 knows, so it never prints an unrecognized-flag error", async () => {
    assertBuilt();
    const run = await finished(
      spawn(process.execPath, [CLI, "--version"], { stdio: ["ignore", "pipe", "pipe"] }),
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    // Some flag was set, or the check above proves nothing.
    expect(v8FlagsFor(process.versions.v8).length).toBeGreaterThan(0);
  });

  it("leaves out on Node 22's V8 the flag it does not have, and sets nothing on a V8 not checked yet", () => {
    expect(v8FlagsFor("12.4.254.21-node.33")).toEqual([
      "--semi-space-growth-factor=1",
      "--heap-growing-percent=50",
    ]);
    expect(v8FlagsFor("13.6.233.17-node.40")).toEqual([
      "--semi-space-growth-factor=1",
      "--external-memory-accounted-in-global-limit",
      "--heap-growing-percent=50",
    ]);
    expect(v8FlagsFor("15.0.1")).toEqual([]);
  });
});
