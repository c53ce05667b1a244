import type { CairnConfig, ConfiguredJob } from "../config/load.js";
import type { Logger } from "../contracts/context.js";
import type { OpenDestination } from "../pipeline/open-destinations.js";
import { canLease, type HeldLease, takeLease } from "./take-lease.js";

/**
 * Takes a job's lease at one of its destinations with the config's `lockWait` and `lockExpiry`
 * and this host's name: the one way every prune, room-making and per-entry decision asks for it.
 */
export function takeJobLease(
  open: OpenDestination,
  config: CairnConfig,
  job: ConfiguredJob,
  { logger, signal }: { logger: Logger; signal: AbortSignal },
): Promise<HeldLease> {
  const destination = open.destination;
  if (!canLease(destination)) throw new Error(`destination ${open.name} cannot hold a lease`);
  return takeLease(destination, {
    job: job.name,
    host: config.host,
    expiryMs: config.lease.expiryMs,
    waitMs: config.lease.waitMs,
    where: open.name,
    logger,
    signal,
  });
}
