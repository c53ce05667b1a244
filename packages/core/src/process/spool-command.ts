import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { CairnError } from "../errors.js";
import { type CommandArgs, startCommand } from "./run-command.js";

export interface SpoolCommandArgs extends CommandArgs {
  /** Where standard output is written (created with mode 600: dumps hold the data). */
  to: string;
}

/**
 * Runs a command and writes its standard output to a file. Resolves once the command exited 0
 * and every byte is on disk; otherwise rejects with SOURCE_UNREADABLE and the tail of its stderr,
 * so a failed dump never becomes a backup.
 */
export async function spoolCommand(args: SpoolCommandArgs): Promise<void> {
  try {
    // The file is open before the command starts: a spool folder that cannot be written fails
    // the run before a long dump has run for nothing.
    const file = createWriteStream(args.to, { mode: 0o600 });
    await once(file, "open");
    // A failed write (a full disk) destroys the command's stream, which ends the command.
    await pipeline(startCommand(args), file);
  } catch (error) {
    if (CairnError.is(error)) throw error;
    throw new CairnError(
      "SOURCE_UNREADABLE",
      `could not write the output of ${args.label} to ${args.to}: ${(error as Error).message}`,
      { cause: error, hint: "check the free space of the spool folder (the source's tempDir option)" },
    );
  }
}
