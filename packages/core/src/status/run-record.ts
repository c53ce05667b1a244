import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunReport } from "../notify/payload.js";

/** What this machine remembers of a job's runs: destinations only hold successes. */
export interface RunRecord {
  lastRun?: RunReport;
  lastFailure?: RunReport;
}

function recordFile(stateDir: string, job: string): string {
  return join(stateDir, "runs", `${job}.json`);
}

export async function readRunRecord(stateDir: string, job: string): Promise<RunRecord> {
  try {
    return JSON.parse(await readFile(recordFile(stateDir, job), "utf8")) as RunRecord;
  } catch {
    return {};
  }
}

/** Written through a temporary file and a rename, so a crash never leaves half a record. */
export async function writeRunRecord(stateDir: string, report: RunReport): Promise<void> {
  const previous = await readRunRecord(stateDir, report.job);
  const record: RunRecord = {
    lastRun: report,
    ...(report.status === "ok" || report.status === "unchanged"
      ? previous.lastFailure
        ? { lastFailure: previous.lastFailure }
        : {}
      : { lastFailure: report }),
  };
  const file = recordFile(stateDir, report.job);
  await mkdir(join(stateDir, "runs"), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`);
  await rename(temporary, file);
}
