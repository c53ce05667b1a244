import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CairnError, silentLogger } from "@cairn/core";
import { backUpSource } from "@cairn/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import commandPlugin, { type CommandSourceOptions, createCommandSource } from "./index.js";

const _ctx = () => ({ signal: new AbortController().signal, logger: silentLogger });

async function failure(options: Partial<CommandSourceOptions> & Pick<CommandSourceOptions, "command">) {
  const error = await backUpSource(createCommandSource({ name: "out.bin", ...options })).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(CairnError.is(error)).toBe(true);
  return error as CairnError;
}

let spool: string;
beforeAll(async () => {
  spool = await mkdtemp(join(tmpdir(), "cairn-command-test-"));
});
afterAll(async () => {
  await rm(spool, { recursive: true, force: true });
});

describe("command source", () => {
  it("archives a shell line's standard output as one entry of the given name", async () => {
    const [only, ...rest] = await backUpSource(
      createCommandSource({ command: "printf 'hello\\n'; printf 'world' ", name: "dumps/greeting.txt" }),
    );
    expect(rest).toHaveLength(0);
    expect(only!.entry).toMatchObject({ path: "dumps/greeting.txt", type: "file", size: 11 });
    expect(only!.content.toString()).toBe("hello\nworld");
  });

  it("runs a list as program and arguments, without a shell, so nothing needs quoting", async () => {
    const [only] = await backUpSource(
      createCommandSource({
        command: [process.execPath, "-e", "process.stdout.write(process.argv[1])", "$HOME; rm -rf *"],
        name: "arg.txt",
      }),
    );
    expect(only!.content.toString()).toBe("$HOME; rm -rf *");
  });

  it("streams output of many MiB through a file without holding it in memory", async () => {
    const [only] = await backUpSource(
      createCommandSource({ command: "head -c 30000000 /dev/zero", name: "zeros", tempDir: spool }),
    );
    expect(only!.entry.size).toBe(30_000_000);
    expect(only!.content.length).toBe(30_000_000);
  });

  it("passes env and cwd to the command", async () => {
    const [only] = await backUpSource(
      createCommandSource({
        command: 'printf "%s in %s" "$GREETING" "$PWD"',
        name: "x",
        env: { GREETING: "hi" },
        cwd: spool,
      }),
    );
    expect(only!.content.toString()).toBe(`hi in ${spool}`);
  });

  it("fails with the exit code and the tail of stderr when the command exits non-zero", async () => {
    const error = await failure({ command: "echo partial; echo 'pg_dump: connection refused' >&2; exit 3" });
    expect(error.code).toBe("SOURCE_UNREADABLE");
    expect(error.message).toContain("exited with code 3");
    expect(error.message).toContain("pg_dump: connection refused");
  });

  it("fails when the command is killed by a signal", async () => {
    const error = await failure({ command: "echo dying >&2; kill -TERM $$" });
    expect(error.message).toContain("killed by SIGTERM");
    expect(error.message).toContain("dying");
  });

  it("kills the command and fails once the timeout passes", async () => {
    const started = Date.now();
    const error = await failure({ command: "sleep 20", timeout: 300 });
    expect(error.message).toMatch(/timed out after 300 ms/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("names a program that is not installed", async () => {
    const error = await failure({ command: ["cairn-no-such-program", "--version"] });
    expect(error.message).toContain("cairn-no-such-program was not found");
  });

  it("never repeats an env value (a secret) in its error", async () => {
    const error = await failure({
      command: 'echo "login failed for token $TOKEN" >&2; exit 1',
      env: { TOKEN: "s3cr3t-t0ken" },
    });
    expect(error.message).toContain("login failed for token [redacted]");
    expect(`${error.message}${error.hint}`).not.toContain("s3cr3t-t0ken");
  });

  it("removes its spooled output on cleanup, after success and after failure", async () => {
    await backUpSource(createCommandSource({ command: "echo ok", name: "ok.txt", tempDir: spool }));
    await backUpSource(
      createCommandSource({ command: "echo half; exit 1", name: "x", tempDir: spool }),
    ).catch(() => {});
    expect(await readdir(spool)).toEqual([]);
  });

  it("stops the command when the backup is interrupted", async () => {
    const abort = new AbortController();
    const source = createCommandSource({ command: "sleep 20", name: "x" });
    setTimeout(() => abort.abort(), 200);
    const error = await backUpSource(source, { signal: abort.signal, logger: silentLogger }).catch(
      (e: unknown) => e,
    );
    expect(CairnError.is(error, "ABORTED")).toBe(true);
  });

  it("is a source plugin whose options reject unknown keys and escaping names", () => {
    expect(commandPlugin.type).toBe("command");
    expect(commandPlugin.options.safeParse({ command: "x", name: "a.txt", extra: 1 }).success).toBe(false);
    expect(commandPlugin.options.safeParse({ command: "x", name: "../a.txt" }).success).toBe(false);
    expect(commandPlugin.options.safeParse({ command: "x", name: "/etc/a" }).success).toBe(false);
    const parsed = commandPlugin.options.parse({ command: ["x"], name: "a/b.txt", timeout: "10m" });
    expect(parsed.timeout).toBe(600_000);
  });
});
