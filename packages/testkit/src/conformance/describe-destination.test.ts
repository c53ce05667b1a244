import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { withTempDir } from "../temp-dir.js";

interface JsonReport {
  testResults: { assertionResults: { ancestorTitles: string[]; title: string; status: string }[] }[];
}

type Outcomes = Record<string, Record<string, string>>;

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "__fixtures__");
const vitestCli = join(dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs");

/** Runs the suite on every plugin of __fixtures__/memory-plugins.ts in a child vitest: each test's outcome by plugin. */
async function runSuites(): Promise<Outcomes> {
  return withTempDir(async (out) => {
    const report = join(out, "report.json");
    await promisify(execFile)(
      process.execPath,
      [vitestCli, "run", "--root", fixtures, "--reporter=json", `--outputFile=${report}`],
      { timeout: 150_000 },
    ).catch(() => {
      // Failing tests make vitest exit non-zero; that is the point. The report says which.
    });
    const json = JSON.parse(await readFile(report, "utf8")) as JsonReport;
    const outcomes: Outcomes = {};
    for (const file of json.testResults) {
      for (const test of file.assertionResults) {
        const plugin = test.ancestorTitles[0]!.replace(/: destination conformance$/, "");
        outcomes[plugin] ??= {};
        outcomes[plugin][test.title] = test.status;
      }
    }
    return outcomes;
  });
}

const titles = (outcomes: Record<string, string>, status: string) =>
  Object.entries(outcomes)
    .filter(([, s]) => s === status)
    .map(([title]) => title)
    .sort();

describe("describeDestination", () => {
  let outcomes: Outcomes;
  beforeAll(async () => {
    outcomes = await runSuites();
  }, 180_000);

  it("passes core's memory destination on every case, skipping none", () => {
    const reference = outcomes.memory!;
    expect(Object.keys(reference).length).toBeGreaterThan(30);
    expect(titles(reference, "failed")).toEqual([]);
    expect(titles(reference, "skipped")).toEqual([]);
  });

  it("reports a capability that is not declared as not tested, never as passed", () => {
    const plain = outcomes["plain-memory"]!;
    expect(titles(plain, "failed")).toEqual([]);
    expect(titles(plain, "skipped")).toEqual([
      'compareAndSwap: not tested, "plain-memory" does not declare it',
      'deleteMany: not tested, "plain-memory" does not declare it',
      'exclusiveCreate: not tested, "plain-memory" does not declare it',
      'freeSpace: not tested, "plain-memory" does not declare it',
    ]);
    expect(Object.keys(plain).filter((t) => /free space|many keys/.test(t))).toEqual([]);
  });

  it("skips the cases of a declared capability the instance reports unavailable", () => {
    const probed = outcomes["probed-memory"]!;
    expect(titles(probed, "failed")).toEqual([]);
    expect(probed["reports its free space as a whole number of bytes above zero"]).toBe("skipped");
  });

  it.each([
    [
      "size-blind",
      [
        "a body longer than its declared size is refused with SIZE_MISMATCH and leaves nothing",
        "a body shorter than its declared size is refused with SIZE_MISMATCH and leaves nothing",
      ],
    ],
    [
      "path-naive",
      ["put, get and delete refuse hostile keys with DESTINATION_KEY_INVALID and store nothing"],
    ],
    ["undeclared-method", ["declares exactly the capabilities it implements"]],
    ["one-page", ["lists past the first page"]],
    ["deaf-list", ["a listing whose signal is aborted yields nothing more and rejects"]],
    [
      "sloppy",
      [
        "a body longer than its declared size is refused with SIZE_MISMATCH and leaves nothing",
        "a body shorter than its declared size is refused with SIZE_MISMATCH and leaves nothing",
        "a listing whose signal is aborted yields nothing more and rejects",
        "a put aborted through its signal rejects and leaves nothing under the key",
        "a put whose body fails midway rejects and leaves nothing under the key",
        "delete removes an object, and deleting a missing key succeeds",
        "get of a missing key rejects with NOT_FOUND",
        "list refuses a prefix that leaves the destination",
        "put, get and delete refuse hostile keys with DESTINATION_KEY_INVALID and store nothing",
        "refuses to overwrite an existing key with DESTINATION_CONFLICT and keeps the first",
        "shows nothing under the key while a put is still in progress",
      ],
    ],
  ])("fails %s on exactly the cases of its flaw", (plugin, failing) => {
    expect(titles(outcomes[plugin]!, "failed")).toEqual([...failing].sort());
  });

  it("fails every case of a plugin that declares a capability it does not implement", () => {
    const broken = outcomes["missing-method"]!;
    const ran = Object.entries(broken).filter(([, status]) => status !== "skipped");
    expect(ran.length).toBeGreaterThan(20);
    expect(ran.filter(([, status]) => status !== "failed")).toEqual([]);
  });
});
