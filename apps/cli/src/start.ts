import { processIO } from "./io.js";
import { runCli } from "./program.js";

/** Runs the command line of this process, as `cairn` does however it was started. */
export async function start(): Promise<void> {
  // The first Ctrl-C stops the run cleanly (nothing partial is left as a backup); a second one
  // exits at once for someone who does not want to wait for the cleanup.
  const interrupt = new AbortController();
  process.once("SIGINT", () => {
    process.stderr.write("\nstopping: cleaning up the partial upload (press Ctrl-C again to quit at once)\n");
    interrupt.abort();
    process.once("SIGINT", () => process.exit(130));
  });
  process.once("SIGTERM", () => interrupt.abort());

  process.exitCode = await runCli(process.argv.slice(2), processIO(interrupt.signal));
}
