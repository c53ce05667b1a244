import { z } from "zod";
import type { Destination, DestinationCapabilities } from "../../contracts/destination.js";
import { defineDestination, PLUGIN_API_VERSION } from "../../define.js";
import { PluginRegistry } from "../../registry.js";
import { pathSource } from "../../sources/path-source.js";
import { linesArchiver } from "./lines-archiver.js";

/**
 * A `memory` destination type whose named stores outlive one run, as a disk would. Core uses only
 * the capabilities declared here, whatever the memory destination has.
 */
export function memoryPlugin(
  stores: Map<string, Destination>,
  capabilities: DestinationCapabilities = { delete: true, freeSpace: true },
) {
  return defineDestination({
    type: "memory",
    apiVersion: PLUGIN_API_VERSION,
    options: z.strictObject({ name: z.string() }),
    capabilities,
    create: (options) => stores.get(options.name)!,
  });
}

/** A registry with the memory destination, the path source and the test archiver as `tar`. */
export function memoryRegistry(
  stores: Map<string, Destination>,
  capabilities?: DestinationCapabilities,
): PluginRegistry {
  return new PluginRegistry({
    destinations: [memoryPlugin(stores, capabilities)],
    sources: [pathSource],
    archivers: { tar: () => linesArchiver() },
  });
}
