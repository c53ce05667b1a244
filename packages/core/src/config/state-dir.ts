import envPaths from "env-paths";

/**
 * Where cairn keeps its locks and run records when the config names no `stateDir`. env-paths
 * has no "state" folder of its own: its log folder is `$XDG_STATE_HOME/cairn` on Linux, where
 * the XDG spec puts state; on macOS and Windows state belongs with the application's data
 * (`~/Library/Application Support/cairn`, `%LOCALAPPDATA%\cairn\Data`), not with its logs.
 */
export function defaultStateDir(): string {
  const paths = envPaths("cairn", { suffix: "" });
  return process.platform === "darwin" || process.platform === "win32" ? paths.data : paths.log;
}
