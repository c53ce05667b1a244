import { limitDestination } from "../bandwidth/limit-destination.js";
import { checkCapabilities, declaredOnly } from "../capabilities.js";
import type { CairnConfig, ConfiguredDestination } from "../config/load.js";
import type { Logger } from "../contracts/context.js";
import type { Destination } from "../contracts/destination.js";

export interface OpenDestination {
  name: string;
  configured: ConfiguredDestination;
  destination: Destination;
}

/**
 * Creates a configured destination, checks that it has what its plugin declares, hides what it
 * does not declare, and holds its transfers to the configured bandwidth limits.
 */
export async function openDestination(
  config: CairnConfig,
  name: string,
  logger: Logger,
): Promise<OpenDestination> {
  const configured = config.destinations.get(name);
  if (!configured) throw new Error(`destination "${name}" is not configured`);
  const destination = await configured.plugin.create(configured.options, {
    logger,
    baseDir: config.baseDir,
    name,
    secrets: config.secrets,
  });
  const { capabilities } = configured.plugin;
  checkCapabilities(configured.plugin.type, capabilities, destination);
  const declared = declaredOnly(capabilities, destination);
  return { name, configured, destination: limitDestination(declared, configured.bandwidth) };
}

export async function closeQuietly(open: OpenDestination, logger: Logger): Promise<void> {
  try {
    await open.destination.close();
  } catch (error) {
    logger.warn(`closing destination ${open.name} failed`, { error: (error as Error).message });
  }
}
