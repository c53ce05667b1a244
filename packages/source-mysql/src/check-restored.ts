import {
  checkDumpTrailer,
  type DumpTrailer,
  type RestoredCheck,
  type RestoredFiles,
  restoredFile,
} from "@cairn/core";

const CHECK = "the dump's completion trailer";
/** mysqldump and mariadb-dump end a whole dump with this comment (unless told to leave comments out). */
const TRAILER: DumpTrailer = {
  check: CHECK,
  pattern: /^-- Dump completed( on .*)?\s*$/m,
  line: "-- Dump completed",
};
/** Options that leave the trailer out, so a dump made with them cannot be checked this way. */
const NO_COMMENTS = ["--skip-comments", "--compact", "--comments=0", "--comments=false"];

/**
 * A drill's check of a restored dump: the last lines must hold the "-- Dump completed" comment
 * the dump tool writes only once it has written everything, so a dump cut short fails.
 */
export async function checkRestoredDump(
  restored: RestoredFiles,
  entryName: string,
  args: readonly string[],
): Promise<RestoredCheck[]> {
  const file = await restoredFile(restored, entryName);
  if (!file) return [];
  const skipping = args.find((arg) => NO_COMMENTS.includes(arg));
  if (skipping) {
    return [
      {
        path: entryName,
        check: CHECK,
        status: "skipped",
        detail: `dumped with ${skipping}, which leaves the trailer out`,
      },
    ];
  }
  return [await checkDumpTrailer(file, entryName, TRAILER)];
}
