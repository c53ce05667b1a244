import type { SecretSet } from "../config/secrets.js";
import { CairnError, type ErrorCode } from "../errors.js";

export interface ErrorSummary {
  code: ErrorCode;
  message: string;
  hint?: string;
}

/** An error as results and --json show it: a stable code, and no secret in the text. */
export function summarizeError(error: unknown, secrets?: SecretSet): ErrorSummary {
  const redact = (text: string) => (secrets ? secrets.redact(text) : text);
  if (CairnError.is(error)) {
    const summary: ErrorSummary = { code: error.code, message: redact(error.message) };
    if (error.hint) summary.hint = redact(error.hint);
    return summary;
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: "INTERNAL", message: redact(message) };
}
