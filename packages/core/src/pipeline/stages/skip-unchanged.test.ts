import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { generateIdentity, identityToRecipient } from "age-encryption";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { listBackups } from "../../catalog/list-backups.js";
import { parseConfig } from "../../config/load.js";
import { type Logger, silentLogger } from "../../contracts/context.js";
import type { Destination } from "../../contracts/destination.js";
import type { SourceEntry } from "../../contracts/source.js";
import { defineSource, PLUGIN_API_VERSION } from "../../define.js";
import { createMemoryDestination, type MemoryDestination } from "../../memory-destination.js";
import { PluginRegistry } from "../../registry.js";
import { createPathSource, pathSource } from "../../sources/path-source.js";
import { jobStatus } from "../../status/job-status.js";
import { linesArchiver } from "../__fixtures__/lines-archiver.js";
import { memoryPlugin } from "../__fixtures__/memory-plugin.js";
import { runJob } from "../run-backup.js";

/** The path source, counting the files it opens: how often the tree's content is read. */
function countingPathSource(opened: string[]) {
  return defineSource({
    type: "counted",
    apiVersion: PLUGIN_API_VERSION,
    options: z.strictObject({ path: z.string() }),
    fingerprints: () => true,
    create(options, ctx) {
      const inner = createPathSource(join(ctx.baseDir, options.path));
      return {
        ...inner,
        async *entries(runCtx) {
          for await (const entry of inner.entries(runCtx)) {
            const open = entry.open?.bind(entry);
            const read = entry.read?.bind(entry);
            const counted: SourceEntry = { ...entry };
            if (open)
              counted.open = () => {
                opened.push(entry.path);
                return open();
              };
            if (read)
              counted.read = () => {
                opened.push(entry.path);
                return read();
              };
            yield counted;
          }
        },
      };
    },
  });
}

/** A source like a dump: it has no fingerprint, so it can never be skipped. */
const dumpSource = defineSource({
  type: "dump",
  apiVersion: PLUGIN_API_VERSION,
  options: z.strictObject({}),
  create: () => ({
    describe: () => "dump",
    async *entries() {
      yield {
        path: "dump.sql",
        type: "file",
        size: 3,
        mtime: new Date(0),
        mode: 0o600,
        open: () => Readable.from([Buffer.from("sql")]),
      };
    },
  }),
});

describe("skipUnchanged", () => {
  let dir: string;
  let stores: Map<string, Destination>;
  let opened: string[];
  let warnings: string[];
  let hour: number;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "cairn-skip-"));
    await mkdir(join(dir, "data", "sub"), { recursive: true });
    await writeFile(join(dir, "data", "a.txt"), "alpha");
    await writeFile(join(dir, "data", "sub", "b.txt"), "bravo");
    stores = new Map([
      ["one", createMemoryDestination()],
      ["two", createMemoryDestination()],
    ]);
    opened = [];
    warnings = [];
    hour = 0;
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const logger: Logger = { ...silentLogger, warn: (message) => warnings.push(message) };

  /** One run of job `files`, an hour after the last one (backup ids are by the second). */
  async function backUp(
    options: {
      to?: string;
      job?: string;
      source?: string;
      host?: string;
      archive?: string;
      destinations?: string;
    } = {},
  ) {
    const registry = new PluginRegistry({
      destinations: [memoryPlugin(stores)],
      sources: [pathSource, countingPathSource(opened), dumpSource],
      archivers: { tar: () => linesArchiver(), zip: () => linesArchiver() },
    });
    const config = await parseConfig(
      `stateDir: ./state
host: ${options.host ?? "web1"}
destinations:
  ${options.destinations ?? "one: { type: memory, name: one }\n  two: { type: memory, name: two }"}
jobs:
  files:
    source: ${options.source ?? "{ type: counted, path: ./data }"}
    archive: ${options.archive ?? "{ format: tar }"}
    destinations: ${options.to ?? "[one]"}
    skipUnchanged: true
    ${options.job ?? ""}
`,
      join(dir, "cairn.config.yaml"),
      registry,
    );
    const at = new Date(Date.UTC(2026, 0, 1, ++hour));
    opened.length = 0;
    let progressed = false;
    const results = await runJob({
      config,
      job: config.jobs.get("files")!,
      registry,
      logger,
      engineVersion: "0",
      now: () => at,
      onProgress: () => {
        progressed = true;
      },
    });
    return { results, archived: progressed, config };
  }

  async function ids(store: string): Promise<string[]> {
    return (await listBackups(stores.get(store)!, "files")).complete.map((b) => b.id);
  }

  it("uploads once for two runs on an untouched tree; the second is unchanged and reads nothing", async () => {
    const first = await backUp();
    expect(first.results.map((r) => r.status)).toEqual(["ok"]);
    const made = first.results[0]!.id;
    const [backup] = (await listBackups(stores.get("one")!, "files")).complete;
    expect(backup!.manifest.fingerprint).toMatch(/^[0-9a-f]{64}$/);

    const objects = new Map((stores.get("one") as MemoryDestination).objects);
    const second = await backUp();
    expect(second.results).toEqual([
      expect.objectContaining({
        id: made,
        status: "unchanged",
        unchangedSince: backup!.time.toISOString(),
        destinations: [
          {
            destination: "one",
            status: "unchanged",
            archiveKey: backup!.archive.key,
            retention: expect.anything(),
          },
        ],
      }),
    ]);
    // Not archived at all: no file opened, no progress, not one object written.
    expect(second.archived).toBe(false);
    expect(opened).toEqual([]);
    expect((stores.get("one") as MemoryDestination).objects).toEqual(objects);
  });

  it("uploads after one file's mtime is touched, after a file is added, and after the format changes", async () => {
    await backUp();
    const touched = new Date("2025-03-04T05:06:07Z");
    await utimes(join(dir, "data", "sub", "b.txt"), touched, touched);
    expect((await backUp()).results.map((r) => r.status)).toEqual(["ok"]);
    expect((await backUp()).results.map((r) => r.status)).toEqual(["unchanged"]);

    await writeFile(join(dir, "data", "sub", "c.txt"), "charlie");
    const added = await backUp();
    expect(added.results.map((r) => r.status)).toEqual(["ok"]);
    expect(added.results[0]!.archive!.entries).toBe(5);
    expect((await backUp()).results.map((r) => r.status)).toEqual(["unchanged"]);

    expect((await backUp({ archive: "{ format: zip }" })).results.map((r) => r.status)).toEqual(["ok"]);
    expect((await backUp({ archive: "{ format: zip }" })).results.map((r) => r.status)).toEqual([
      "unchanged",
    ]);
    expect(await ids("one")).toHaveLength(4);
  });

  it("uploads when a filter or a tag changes, since the archive would differ", async () => {
    await backUp({ source: "{ type: path, path: ./data }" });
    const excluded = await backUp({ source: '{ type: path, path: ./data, exclude: ["b.txt"] }' });
    expect(excluded.results.map((r) => r.status)).toEqual(["ok"]);
    expect(
      (await backUp({ source: '{ type: path, path: ./data, exclude: ["b.txt"] }', job: "tags: [x]" }))
        .results[0]!.status,
    ).toBe("ok");
  });

  it("gives a destination added later its first backup at once, reading the source once, while the first is skipped", async () => {
    const first = (await backUp({ to: "[one]" })).results[0]!;
    const run = await backUp({ to: "[one, two]" });
    expect(
      run.results.map((r) => [r.status, r.destinations.map((d) => `${d.destination} ${d.status}`)]),
    ).toEqual([
      ["unchanged", ["one unchanged"]],
      ["ok", ["two ok"]],
    ]);
    expect(run.results[0]!.id).toBe(first.id);
    expect(opened.sort()).toEqual(["data/a.txt", "data/sub/b.txt"]);
    expect(await ids("one")).toEqual([first.id]);
    expect(await ids("two")).toEqual([run.results[1]!.id]);
    // From now on both have the newest fingerprint.
    const third = await backUp({ to: "[one, two]" });
    expect(third.results.map((r) => r.status)).toEqual(["unchanged", "unchanged"]);
    expect(third.archived).toBe(false);
  });

  it("uploads where the encryption changed: the job's recipients, or a destination's own keys", async () => {
    const [a, b] = await Promise.all([generateIdentity(), generateIdentity()]).then((keys) =>
      Promise.all(keys.map((key) => identityToRecipient(key))),
    );
    const statuses = (run: Awaited<ReturnType<typeof backUp>>) =>
      run.results.flatMap((r) => r.destinations.map((d) => `${d.destination} ${d.status}`));
    const forJob = (recipient: string) => `encryption: { recipients: ["${recipient}"] }`;
    await backUp({ to: "[one, two]", job: forJob(a!) });
    expect(statuses(await backUp({ to: "[one, two]", job: forJob(a!) }))).toEqual([
      "one unchanged",
      "two unchanged",
    ]);
    expect(statuses(await backUp({ to: "[one, two]", job: forJob(b!) }))).toEqual(["one ok", "two ok"]);
    // The job no longer encrypts; only `two` does, for the same key: it stores what it has already.
    const run = await backUp({
      to: "[one, two]",
      destinations: `one: { type: memory, name: one }\n  two: { type: memory, name: two, encryption: { recipients: ["${b}"] } }`,
    });
    expect(statuses(run)).toEqual(["two unchanged", "one ok"]);
    const [plain] = (await listBackups(stores.get("one")!, "files")).complete;
    expect(plain!.manifest.encryption).toBeUndefined();
  });

  it("runs the onSuccess hook with CAIRN_STATUS=unchanged and the existing backup's id", async () => {
    const out = join(dir, "hook.txt");
    const hooks = `hooks: { onSuccess: 'echo "$CAIRN_STATUS $CAIRN_BACKUP_ID" > "${out}"' }`;
    const made = (await backUp({ job: hooks })).results[0]!.id;
    expect(await readFile(out, "utf8")).toBe(`ok ${made}\n`);
    await backUp({ job: hooks });
    expect(await readFile(out, "utf8")).toBe(`unchanged ${made}\n`);
  });

  it("still applies retention on an unchanged run", async () => {
    await backUp({ job: "retention: { keepLast: 5 }" });
    await utimes(join(dir, "data", "a.txt"), new Date(1e12), new Date(1e12));
    const newest = (await backUp({ job: "retention: { keepLast: 5 }" })).results[0]!.id;
    expect(await ids("one")).toHaveLength(2);
    const unchanged = await backUp({ job: "retention: { keepLast: 1 }" });
    expect(unchanged.results[0]).toMatchObject({ status: "unchanged", id: newest });
    expect(unchanged.results[0]!.destinations[0]!.retention!.removed).toHaveLength(1);
    expect(await ids("one")).toEqual([newest]);
  });

  it("never matches a backup made without a fingerprint, or one another host made", async () => {
    const one = stores.get("one") as MemoryDestination;
    await backUp({ job: "" });
    // Take the fingerprint out of the manifest, as a backup made before skipUnchanged would be.
    for (const [key, object] of one.objects) {
      if (!key.endsWith(".manifest.json")) continue;
      const { fingerprint: _gone, ...old } = JSON.parse(object.data.toString());
      object.data = Buffer.from(JSON.stringify(old));
    }
    expect((await backUp()).results.map((r) => r.status)).toEqual(["ok"]);
    expect((await backUp()).results.map((r) => r.status)).toEqual(["unchanged"]);
    // The same tree, seen from another host's name, in a group shared by all hosts.
    const other = await backUp({ host: "web2", job: "retention: { keepLast: 9, groupBy: job }" });
    expect(other.results.map((r) => r.status)).toEqual(["ok"]);
  });

  it("does not count an unchanged destination as stale while runs keep finding it current", async () => {
    const first = await backUp({ job: "staleAfter: 90m" });
    await backUp({ job: "staleAfter: 90m" });
    await backUp({ job: "staleAfter: 90m" });
    // Three hours after the backup, one after the last run that found it unchanged.
    const at = new Date(Date.UTC(2026, 0, 1, 4));
    const config = first.config;
    const status = await jobStatus(
      config,
      { ...config.jobs.get("files")!, staleAfterMs: 90 * 60_000 },
      silentLogger,
      at,
    );
    expect(status.stale).toBe(false);
    expect(status.destinations[0]!.unchangedAt).toBe(new Date(Date.UTC(2026, 0, 1, 3)).toISOString());
    // Once a run fails, the old backup counts by its own age again.
    await rm(join(dir, "data"), { recursive: true });
    expect((await backUp({ job: "staleAfter: 90m" })).results[0]!.status).toBe("failed");
    const later = await jobStatus(
      config,
      { ...config.jobs.get("files")!, staleAfterMs: 90 * 60_000 },
      silentLogger,
      at,
    );
    expect(later.stale).toBe(true);
  });

  it("backs up every run, and says why, where the source cannot fingerprint or each entry is its own backup", async () => {
    const dump = "{ type: dump }";
    expect((await backUp({ source: dump })).results.map((r) => r.status)).toEqual(["ok"]);
    expect((await backUp({ source: dump })).results.map((r) => r.status)).toEqual(["ok"]);
    expect(warnings[0]).toMatch(/skipUnchanged: has no effect with the dump source/);
    const each = await backUp({ source: "{ type: path, path: ./data, each: entry }" });
    expect(each.results.map((r) => [r.entry, r.status])).toEqual([
      ["a.txt", "ok"],
      ["sub", "ok"],
    ]);
    expect(warnings.at(-1)).toMatch(/has no effect with the path source: each: entry/);
  });
});
