import type { Command } from "commander";
import type { ExitCode } from "../exit-codes.js";
import type { CliIO } from "../io.js";
import { reportError } from "../report-error.js";
import { type GlobalOptions, Session } from "../session.js";

// biome-ignore lint/suspicious/noExplicitAny: commander passes positional arguments of any shape.
export type Handler = (session: Session, ...args: any[]) => Promise<ExitCode>;
export type Runner = (handler: Handler) => (...args: unknown[]) => Promise<void>;

/**
 * Wraps a command's handler: builds the session from the global options, turns a thrown error
 * into `error:`/`hint:` lines and an exit code, and hands the code back instead of exiting, so
 * tests can run the program in-process.
 */
export function createRunner(io: CliIO, setExitCode: (code: ExitCode) => void): Runner {
  return (handler) =>
    async (...args) => {
      const command = args.at(-1) as Command;
      const positional = args.slice(0, -1);
      const session = new Session(
        io,
        command.optsWithGlobals<GlobalOptions>(),
        command.name() === "run" ? "info" : "warn",
      );
      try {
        setExitCode(await handler(session, ...positional));
      } catch (error) {
        setExitCode(reportError(session, error));
      }
    };
}
