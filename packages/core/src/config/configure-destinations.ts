import { bandwidthOf } from "../bandwidth/limit-destination.js";
import { limitsOf } from "../bandwidth/options.js";
import { configureEncryption } from "../encryption/config.js";
import type { PluginRegistry } from "../registry.js";
import type { ConfiguredDestination } from "./configured.js";
import { formatPath, messageOf } from "./issues.js";
import { addDeclaredSecrets, checkOptions } from "./plugin-options.js";
import { type CairnConfigData, DESTINATION_CORE_KEYS } from "./schema.js";
import type { SecretSet } from "./secrets.js";

/**
 * Finds each destination's plugin, checks its options and its own encryption; a destination with a
 * problem is left out.
 */
export async function configureDestinations(
  entries: CairnConfigData["destinations"],
  registry: PluginRegistry,
  baseDir: string,
  secrets: SecretSet,
  problems: string[],
): Promise<Map<string, ConfiguredDestination>> {
  const destinations = new Map<string, ConfiguredDestination>();
  for (const [name, entry] of Object.entries(entries)) {
    const at = ["destinations", name];
    const plugin = await registry.destination(entry.type, baseDir).catch((error: unknown) => {
      problems.push(`${formatPath([...at, "type"])}: ${messageOf(error)}`);
      return undefined;
    });
    if (!plugin) continue;
    addDeclaredSecrets(plugin.secrets, entry, secrets);
    const options = checkOptions(plugin.options, entry, at, problems, DESTINATION_CORE_KEYS);
    const encryption = entry.encryption
      ? await configureEncryption(
          entry.encryption,
          (...path) => formatPath([...at, "encryption", ...path]),
          problems,
          secrets,
        )
      : undefined;
    if (options !== undefined) {
      destinations.set(name, {
        name,
        plugin,
        options,
        bandwidth: bandwidthOf(limitsOf(entry)),
        encryption,
      });
    }
  }
  return destinations;
}
