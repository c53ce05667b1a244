import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { CairnError } from "@cairn/core";
import type { Command } from "commander";
import { EXIT, type ExitCode } from "../exit-codes.js";
import type { Session } from "../session.js";
import { EXAMPLE_CONFIG } from "./example-config.js";
import type { Runner } from "./runner.js";

export function registerInit(program: Command, run: Runner): void {
  program
    .command("init")
    .description("write a commented example config (cairn.config.yaml, or the --config path)")
    .addHelpText(
      "after",
      `
The example backs up ./data into ./backups and keeps 7 daily and 4 weekly backups. An existing
file is never overwritten.`,
    )
    .action(run((session) => init(session)));
}

async function init(session: Session): Promise<ExitCode> {
  const file = resolve(session.io.cwd, session.options.config ?? "cairn.config.yaml");
  try {
    // "wx": the check and the write are one step, so a config that appears meanwhile is not lost either.
    await writeFile(file, EXAMPLE_CONFIG, { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      throw new CairnError("USAGE", `${file} already exists; init never overwrites a config`, {
        hint: "edit that file, or pass --config NEW_PATH to write the example elsewhere",
      });
    }
    throw new CairnError("USAGE", `cannot write ${file}: ${(error as Error).message}`, { cause: error });
  }
  if (session.json) session.printJson({ created: file });
  session.print(`wrote ${file}`);
  session.print("next: edit it, then run `cairn config check` and `cairn backup`");
  return EXIT.ok;
}
