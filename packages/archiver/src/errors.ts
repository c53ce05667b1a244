import { CairnError } from "@cairn/core";

/** Turns a reader's failure into the error verify and restore report: the archive is damaged. */
export function invalidArchive(format: string, error: unknown): CairnError {
  if (CairnError.is(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new CairnError(
    "ARCHIVE_INVALID",
    `the ${format} archive is damaged or not a ${format} archive: ${detail}`,
    {
      cause: error,
      hint: "restore from another backup or another destination; run `cairn verify` to check the others",
    },
  );
}

export function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error
    ? signal.reason
    : new CairnError("ABORTED", "the archive was aborted");
}
