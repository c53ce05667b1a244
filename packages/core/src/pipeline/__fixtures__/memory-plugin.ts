import { z } from "zod";
import type { Destination } from "../../contracts/destination.js";
import { defineDestination, PLUGIN_API_VERSION } from "../../define.js";
import { PluginRegistry } from "../../registry.js";
import { pathSource } from "../../sources/path-source.js";
import { linesArchiver } from "./lines-archiver.js";

/** A `memory` destination type whose named stores outlive one run, as a disk would. */
export function memoryPlugin(stores: Map<string, Destination>) {
  return defineDestination({
    type: "memory",
    apiVersion: PLUGIN_API_VERSION,
    options: z.strictObject({ name: z.string() }),
    // What createMemoryDestination has; core uses only what is declared.
    capabilities: { delete: true, freeSpace: true, exclusiveCreate: true, compareAndSwap: true },
    create: (options) => stores.get(options.name)!,
  });
}

/** A registry with the memory destination, the path source and the test archiver as `tar`. */
export function memoryRegistry(stores: Map<string, Destination>): PluginRegistry {
  return new PluginRegistry({
    destinations: [memoryPlugin(stores)],
    sources: [pathSource],
    archivers: { tar: () => linesArchiver() },
  });
}
