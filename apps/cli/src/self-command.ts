import { realpathSync } from "node:fs";
import { isSea } from "node:sea";

/**
 * How to start this very cairn again from a service file: absolute paths, links resolved, so the
 * scheduler needs no PATH. The single executable is one program; otherwise it is the Node that
 * runs this process and the script it was started with (bin/cairn.cjs after `npm install -g`).
 */
export function selfCommand(): string[] {
  if (isSea()) return [process.execPath];
  const script = process.argv[1];
  if (!script) throw new Error("cairn was started without a script path");
  return [process.execPath, realpathSync(script)];
}
