import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { DrillResult } from "./drill-result.js";

/** What this machine remembers of a job's drills, beside its run records in the state folder. */
export interface DrillRecord {
  lastDrill?: DrillResult;
  lastSuccess?: DrillResult;
}

function recordFile(stateDir: string, job: string): string {
  return join(stateDir, "drills", `${job}.json`);
}

export async function readDrillRecord(stateDir: string, job: string): Promise<DrillRecord> {
  try {
    return JSON.parse(await readFile(recordFile(stateDir, job), "utf8")) as DrillRecord;
  } catch {
    return {};
  }
}

/** Written through a temporary file and a rename, so a crash never leaves half a record. */
export async function writeDrillRecord(stateDir: string, result: DrillResult): Promise<void> {
  const previous = await readDrillRecord(stateDir, result.job);
  // The live comparison can be long and is for the one who asked; the record keeps the verdict.
  const { changes: _changes, ...kept } = result;
  const record: DrillRecord = {
    lastDrill: kept,
    ...(result.status === "ok"
      ? { lastSuccess: kept }
      : previous.lastSuccess
        ? { lastSuccess: previous.lastSuccess }
        : {}),
  };
  const file = recordFile(stateDir, result.job);
  await mkdir(join(stateDir, "drills"), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`);
  await rename(temporary, file);
}
