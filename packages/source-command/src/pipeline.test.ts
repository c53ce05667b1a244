import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buffer } from "node:stream/consumers";
import { archivers } from "@cairn/archiver";
import {
  createMemoryDestination,
  defineDestination,
  INDEX_ENTRY_PATH,
  listBackups,
  PLUGIN_API_VERSION,
  PluginRegistry,
  parseConfig,
  runBackup,
  silentLogger,
} from "@cairn/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import commandSource from "./index.js";

const ctx = { signal: new AbortController().signal, logger: silentLogger };

/** The whole way, as `cairn backup` goes: config, runJob, the real tar writer, a destination. */
describe("a command source in a backup job", () => {
  let dir: string;
  let store: ReturnType<typeof createMemoryDestination>;
  let registry: PluginRegistry;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "cairn-command-job-"));
    store = createMemoryDestination();
    registry = new PluginRegistry({
      destinations: [
        defineDestination({
          type: "memory",
          apiVersion: PLUGIN_API_VERSION,
          options: z.strictObject({}),
          capabilities: { delete: true, freeSpace: true },
          create: () => store,
        }),
      ],
      sources: [commandSource],
      archivers,
    });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function run(command: string, format = "tar", sourceOptions = "") {
    const config = await parseConfig(
      `
stateDir: ./state
destinations:
  mem: { type: memory }
jobs:
  dump:
    source: { type: command, command: ${JSON.stringify(command)}, name: dump.bin${sourceOptions} }
    archive: { format: ${format} }
    destinations: [mem]
`,
      join(dir, "cairn.config.yaml"),
      registry,
    );
    return runBackup({
      config,
      job: config.jobs.get("dump")!,
      registry,
      logger: silentLogger,
      engineVersion: "0.0.0-test",
    });
  }

  for (const format of ["tar", "zip"]) {
    it(`stores the command's output as one ${format} entry that reads back byte for byte`, async () => {
      const result = await run("head -c 3000000 /dev/urandom | tee out.bin; cat out.bin", format);
      expect(result.status).toBe("ok");
      // Counted as it streamed where the size was not known first (zip).
      expect(result.archive!.sourceBytes).toBe(6_000_000);
      const [backup] = (await listBackups(store, "dump")).complete;
      const archive = await store.get(backup!.archive.key, ctx);
      const read = [];
      for await (const entry of archivers[format as "tar"]({}).read(archive, ctx)) {
        // The archive's last entry is cairn's per-entry index; this test is about the dump.
        if (entry.path === INDEX_ENTRY_PATH) continue;
        read.push({ path: entry.path, bytes: entry.content ? await buffer(entry.content) : undefined });
      }
      expect(read.map((e) => [e.path, e.bytes?.length])).toEqual([["dump.bin", 6_000_000]]);
      expect(read[0]!.bytes!.subarray(0, 3_000_000)).toEqual(read[0]!.bytes!.subarray(3_000_000));
      // A shell pipeline, a spool file for tar and 6 MB each way: more than the default 5 s on a busy machine.
    }, 20_000);
  }

  for (const format of ["tar", "zip"]) {
    it(`keeps nothing of a command that fails midway (${format}), fails with its stderr tail, and keeps the earlier backup`, async () => {
      const first = await run("echo fine", format);
      expect(first.status).toBe("ok");
      const failed = await run(
        "head -c 3000000 /dev/urandom; echo 'redis-cli: connection refused' >&2; exit 1",
        format,
      );
      expect(failed.status).toBe("failed");
      expect(failed.error).toMatchObject({ code: "SOURCE_UNREADABLE" });
      expect(failed.error!.message).toContain("redis-cli: connection refused");
      const catalog = await listBackups(store, "dump");
      expect(catalog.complete.map((b) => b.id)).toEqual([first.id]);
      expect(catalog.incomplete).toHaveLength(0);
      expect([...store.objects.keys()].filter((key) => !key.includes(first.id))).toEqual([]);
    });
  }

  it("hides an env value written straight into the config, in the failed run's error", async () => {
    const failed = await run(
      'echo "login failed for $TOKEN" >&2; exit 1',
      "tar",
      ", env: { TOKEN: literal-token-1234 }",
    );
    expect(failed.status).toBe("failed");
    expect(failed.error!.message).toContain("login failed for [redacted]");
    expect(JSON.stringify(failed)).not.toContain("literal-token-1234");
  });

  it("streams the output straight into a zip, with no spool file; tar, which needs the size first, spools it", async () => {
    const spool = join(dir, "spool");
    await mkdir(spool);
    // The command's last words are what its own private folder holds while it runs.
    const command = `head -c 100000 /dev/urandom; printf 'spool:'; ls -A ${spool}/cairn-command-*/ | tr '\\n' ' '`;
    const tail = async (format: string) => {
      const result = await run(command, format, `, tempDir: ${JSON.stringify(spool)}`);
      expect(result.status).toBe("ok");
      const backup = (await listBackups(store, "dump")).complete.find((b) => b.id === result.id);
      const archive = await store.get(backup!.archive.key, ctx);
      for await (const entry of archivers[format as "tar"]({}).read(archive, ctx)) {
        const bytes = await buffer(entry.content!);
        return bytes.subarray(bytes.lastIndexOf("spool:")).toString();
      }
      throw new Error("empty archive");
    };
    expect(await tail("zip")).toBe("spool:");
    expect(await tail("tar")).toBe("spool:content ");
    expect(await readdir(spool)).toEqual([]);
  });
});
