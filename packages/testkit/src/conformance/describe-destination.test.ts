import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { withTempDir } from "../temp-dir.js";

interface JsonReport {
  testResults: { assertionResults: { title: string; status: string }[] }[];
}

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "__fixtures__");
const vitestCli = join(dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs");

/** Runs the conformance suite on __fixtures__/sloppy.suite.ts in a child vitest and returns each test's outcome. */
async function runSloppySuite(): Promise<Record<string, string>> {
  return withTempDir(async (out) => {
    const report = join(out, "report.json");
    await promisify(execFile)(
      process.execPath,
      [vitestCli, "run", "--root", fixtures, "--reporter=json", `--outputFile=${report}`],
      { timeout: 90_000 },
    ).catch(() => {
      // Failing tests make vitest exit non-zero; that is the point. The report says which.
    });
    const json = JSON.parse(await readFile(report, "utf8")) as JsonReport;
    const outcome: Record<string, string> = {};
    for (const file of json.testResults)
      for (const test of file.assertionResults) outcome[test.title] = test.status;
    return outcome;
  });
}

describe("describeDestination", () => {
  it("fails a destination that overwrites, shows half uploads and has no NOT_FOUND, and passes what it does right", async () => {
    const outcome = await runSloppySuite();
    expect(outcome).toEqual({
      "put then get returns the same bytes and reports the size": "passed",
      "puts a zero-byte object": "passed",
      "refuses to overwrite an existing key with DESTINATION_CONFLICT and keeps the first": "failed",
      "get of a missing key rejects with NOT_FOUND": "failed",
      "lists every key under a prefix once, with sizes, and nothing outside it": "passed",
      "delete removes an object, and deleting a missing key succeeds": "failed",
      "a put whose body fails midway rejects and leaves nothing under the key": "failed",
      "shows nothing under the key while a put is still in progress": "failed",
      "a put aborted through its signal rejects and leaves nothing under the key": "failed",
      "streams a large object through and back with the same SHA-256": "passed",
      "keeps unicode and spaces in names": "passed",
      "deletes many keys at once, missing ones counting as done, where it can": "passed",
      "reports its free space as a positive number, where it can": "passed",
      "can be closed twice": "passed",
    });
  }, 120_000);
});
