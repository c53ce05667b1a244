import { spawn } from "node:child_process";
import { open } from "node:fs/promises";
import { devNull } from "node:os";
import { basename, dirname, join } from "node:path";
import {
  checkDumpTrailer,
  type DumpTrailer,
  type RestoredCheck,
  type RestoredFiles,
  requireProgram,
  restoredFile,
} from "@cairn/core";

/** The first bytes of pg_dump's custom format. */
const CUSTOM_MAGIC = "PGDMP";
/** The last comment line pg_dump / pg_dumpall write into a plain SQL dump once it is whole. */
const PLAIN_TRAILER: DumpTrailer = {
  check: "the dump's completion line",
  pattern: /^-- PostgreSQL database (cluster )?dump complete\s*$/m,
  line: "-- PostgreSQL database dump complete",
};

export interface DumpCheckOptions {
  /** The source's pg_dump binary, when configured: pg_restore is taken from the same folder. */
  binary: string | undefined;
  baseDir: string;
  installHint: string;
}

/**
 * A drill's check of a restored dump. A custom-format dump must be readable by pg_restore: its
 * table of contents (`--list`), and then every data block (a restore into nothing, since
 * `--list` reads only the table of contents and misses a dump cut short after it). A plain SQL
 * dump (pg_dumpall) must end with pg_dump's completion line.
 */
export async function checkRestoredDump(
  restored: RestoredFiles,
  entryName: string,
  options: DumpCheckOptions,
): Promise<RestoredCheck[]> {
  const file = await restoredFile(restored, entryName);
  if (!file) return [];
  const head = await readAt(file, 0, CUSTOM_MAGIC.length);
  if (head.toString("latin1") !== CUSTOM_MAGIC) {
    return [await checkDumpTrailer(file, entryName, PLAIN_TRAILER)];
  }
  const check = "pg_restore --list";
  const program = await requireProgram(
    ["pg_restore"],
    options.binary &&
      join(dirname(options.binary), basename(options.binary).replace(/pg_dump(all)?/, "pg_restore")),
    options.baseDir,
    options.installHint,
  );
  const listed = await run(program, ["--list", file]);
  if (listed.code !== 0) return [{ path: entryName, check, status: "failed", detail: listed.stderr }];
  const read = await run(program, [`--file=${devNull}`, file]);
  if (read.code !== 0) {
    return [{ path: entryName, check: `${check} and a full read`, status: "failed", detail: read.stderr }];
  }
  return [
    {
      path: entryName,
      check: `${check} and a full read`,
      status: "ok",
      detail: `${listed.items} items in its table of contents, every data block readable`,
    },
  ];
}

/** Runs pg_restore; counts the table of contents' items (lines that are not comments) as they stream. */
function run(
  program: string,
  args: string[],
): Promise<{ code: number | null; items: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ["ignore", "pipe", "pipe"] });
    let items = 0;
    let partial = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      const lines = (partial + text).split("\n");
      partial = lines.pop() ?? "";
      items += lines.filter((line) => line.trim() !== "" && !line.startsWith(";")).length;
    });
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      stderr = (stderr + text).slice(-4096);
    });
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, items, stderr: stderr.trim() || `exit code ${code}` }));
  });
}

async function readAt(file: string, position: number, length: number): Promise<Buffer> {
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, position);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
