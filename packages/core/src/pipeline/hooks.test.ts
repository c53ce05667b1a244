import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CairnError } from "../errors.js";
import { runHook } from "./hooks.js";

describe("runHook", () => {
  let dir: string;
  const signal = new AbortController().signal;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "cairn-hook-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("runs the command with the run's facts in its environment", async () => {
    const out = join(dir, "env.txt");
    await runHook(
      "after",
      `echo "$CAIRN_JOB $CAIRN_STATUS" > '${out}'`,
      { CAIRN_JOB: "db", CAIRN_STATUS: "ok" },
      5000,
      signal,
    );
    expect(await readFile(out, "utf8")).toBe("db ok\n");
  });

  it("fails with the tail of stderr and the exit code", async () => {
    const failing = runHook("before", "echo 'pg is down' >&2; exit 3", {}, 5000, signal);
    await expect(failing).rejects.toSatisfy((e) => CairnError.is(e, "HOOK_FAILED"));
    await expect(failing).rejects.toThrow(/before hook exited with code 3:\npg is down/);
  });

  it("kills a hook that runs past its timeout", async () => {
    await expect(runHook("before", "sleep 5", {}, 200, signal)).rejects.toThrow(/timed out/);
  });

  it("keeps secrets out of the error", async () => {
    const failing = runHook("before", "echo 'token=abcd-secret' >&2; exit 1", {}, 5000, signal, (t) =>
      t.replaceAll("abcd-secret", "[redacted]"),
    );
    await expect(failing).rejects.toThrow("token=[redacted]");
  });
});
