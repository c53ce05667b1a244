import { CairnError } from "@cairn/core";
import { type ExitCode, exitCodeFor } from "./exit-codes.js";
import type { Session } from "./session.js";

/**
 * A failure the command could not turn into a result: `error:` and `hint:` lines on stderr (and
 * the same as JSON on stdout with --json). The stack only with --verbose: it helps us, not the user.
 */
export function reportError(session: Session, error: unknown): ExitCode {
  const code = CairnError.is(error) ? error.code : "INTERNAL";
  const message = session.redact(error instanceof Error ? error.message : String(error));
  const hint = CairnError.is(error) && error.hint ? session.redact(error.hint) : undefined;
  if (session.json) session.printJson({ error: { code, message, ...(hint ? { hint } : {}) } });
  const lines = [`error: ${message}`];
  if (hint) lines.push(`hint: ${hint}`);
  if (session.options.verbose) {
    for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
      if (cause.stack) lines.push(session.redact(cause.stack));
    }
  } else if (!CairnError.is(error)) {
    lines.push(
      "hint: this looks like a bug in cairn; run again with --verbose for the details and report them",
    );
  }
  session.io.stderr.write(`${lines.join("\n")}\n`);
  return exitCodeFor(error);
}
