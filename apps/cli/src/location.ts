import { join, resolve } from "node:path";
import { type CairnConfig, expandHome } from "@cairn/core";

/**
 * Where a stored key is, in words the user can act on: a full path for a local folder,
 * `destination:key` elsewhere (the plugin knows its own URL scheme, the CLI does not).
 */
export function describeLocation(config: CairnConfig, destination: string, key: string): string {
  const configured = config.destinations.get(destination);
  const options = configured?.options as { path?: unknown } | undefined;
  if (configured?.plugin.type === "local" && typeof options?.path === "string") {
    return join(resolve(config.baseDir, expandHome(options.path)), ...key.split("/"));
  }
  return `${destination}:${key}`;
}
