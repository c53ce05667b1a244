import { Command, CommanderError, Option } from "commander";
import { registerAuth } from "./commands/auth.js";
import { registerBackup } from "./commands/backup.js";
import { registerConfig } from "./commands/config.js";
import { registerDrill } from "./commands/drill.js";
import { registerInit } from "./commands/init.js";
import { registerKeygen } from "./commands/keygen.js";
import { registerList } from "./commands/list.js";
import { registerPlugins } from "./commands/plugins.js";
import { registerPrune } from "./commands/prune.js";
import { registerRestore } from "./commands/restore.js";
import { registerRun } from "./commands/run.js";
import { createRunner } from "./commands/runner.js";
import { registerSchedule } from "./commands/schedule.js";
import { registerStatus } from "./commands/status.js";
import { registerVerify } from "./commands/verify.js";
import { EXIT, type ExitCode } from "./exit-codes.js";
import type { CliIO } from "./io.js";
import { VERSION } from "./version.js";

/** The whole command tree. It never exits the process: the exit code goes to `setExitCode`. */
export function createProgram(io: CliIO, setExitCode: (code: ExitCode) => void): Command {
  const program = new Command("cairn")
    .description(
      "Back up files and folders into archives on local disks, SFTP, Google Cloud Storage and Dropbox.",
    )
    .version(VERSION, "-V, --version")
    .option(
      "-c, --config <file>",
      "config file (default: cairn.config.yaml, .yml or .json in the current folder)",
    )
    .option(
      "--host <name>",
      "the host name this run's backups carry and whose backups retention weighs (default: host: in the config, else this machine's name)",
    )
    .option("--json", "print results as one JSON document on stdout (never containing secrets)")
    .addOption(new Option("-q, --quiet", "print only results and errors").conflicts("verbose"))
    .option("-v, --verbose", "print debug logs, and stack traces with errors")
    .addOption(
      new Option("--log-format <format>", "logs on stderr as readable lines or JSON lines")
        .choices(["text", "json"])
        .default("text"),
    )
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride()
    .addHelpText(
      "after",
      `
Exit codes: 0 done, 1 failed, 2 bad usage or config, 3 some destinations failed.
Docs: docs/cli.md and docs/configuration.md`,
    );
  const run = createRunner(io, setExitCode);
  registerInit(program, run);
  registerBackup(program, run);
  registerList(program, run);
  registerVerify(program, run);
  registerRestore(program, run);
  registerDrill(program, run);
  registerPrune(program, run);
  registerConfig(program, run);
  registerStatus(program, run);
  registerRun(program, run);
  registerSchedule(program, run);
  registerPlugins(program, run);
  registerAuth(program, run);
  registerKeygen(program, run);
  return program;
}

/** Runs one command line (without the node and script arguments) and returns its exit code. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  let code: ExitCode = EXIT.ok;
  const program = createProgram(io, (c) => {
    code = c;
  });
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT.ok;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    // Commander has printed its message already (unknown option, missing argument, --help).
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw error;
  }
  return code;
}
