import { listBackups } from "../catalog/list-backups.js";
import type { CairnConfig } from "../config/load.js";
import type { Logger } from "../contracts/context.js";
import type { Destination } from "../contracts/destination.js";
import { parseKey } from "../naming.js";
import { closeQuietly, openDestination } from "../pipeline/open-destinations.js";
import { type ErrorSummary, summarizeError } from "../pipeline/outcome.js";
import { sameHost } from "../retention/index.js";
import { longestInterval } from "./schedule.js";

/** One host's backups of one job at one destination. */
export interface HostStatus {
  host: string;
  newest: { id: string; createdAt: string; ageMs: number; size: number };
  backups: number;
  totalBytes: number;
  staleAfterMs: number;
  stale: boolean;
}

export interface FleetDestinationStatus {
  destination: string;
  jobs: { job: string; hosts: HostStatus[]; incomplete: number }[];
  error?: ErrorSummary;
}

export interface FleetStatusOptions {
  now: Date;
  /** For jobs this config does not have (or has without schedule or staleAfter). */
  defaultStaleAfterMs: number;
  /** Overrides every job's own limit. */
  staleAfterMs?: number;
}

/**
 * Every host and job found at every destination of the config, read from the destinations alone
 * (their manifests): no run records, no jobs of this machine needed, so any machine that can read
 * the destinations sees the whole fleet.
 */
export async function fleetStatus(
  config: CairnConfig,
  logger: Logger,
  options: FleetStatusOptions,
): Promise<FleetDestinationStatus[]> {
  return Promise.all(
    [...config.destinations.keys()].map(async (name): Promise<FleetDestinationStatus> => {
      let open: Awaited<ReturnType<typeof openDestination>> | undefined;
      try {
        open = await openDestination(config, name, logger);
        const jobs = [];
        for (const job of await jobsAt(open.destination)) {
          const catalog = await listBackups(open.destination, job);
          const limit = options.staleAfterMs ?? staleAfterOf(config, job, options);
          const byHost = new Map<string, typeof catalog.complete>();
          for (const backup of catalog.complete) {
            const known =
              [...byHost.keys()].find((h) => sameHost(h, backup.manifest.host)) ?? backup.manifest.host;
            byHost.set(known, [...(byHost.get(known) ?? []), backup]);
          }
          const hosts = [...byHost].map(([host, backups]): HostStatus => {
            const newest = backups[0]!;
            const ageMs = options.now.getTime() - newest.time.getTime();
            return {
              host,
              newest: {
                id: newest.id,
                createdAt: newest.time.toISOString(),
                ageMs,
                size: newest.archive.size,
              },
              backups: backups.length,
              totalBytes: backups.reduce((sum, b) => sum + b.archive.size, 0),
              staleAfterMs: limit,
              stale: ageMs > limit,
            };
          });
          hosts.sort((a, b) => (a.host < b.host ? -1 : 1));
          jobs.push({ job, hosts, incomplete: catalog.incomplete.length });
        }
        return { destination: name, jobs };
      } catch (error) {
        return { destination: name, jobs: [], error: summarizeError(error, config.secrets) };
      } finally {
        if (open) await closeQuietly(open, logger);
      }
    }),
  );
}

/** The jobs with objects of cairn's own naming at a destination, sorted. */
async function jobsAt(destination: Destination): Promise<string[]> {
  const jobs = new Set<string>();
  for await (const object of destination.list("")) {
    const parsed = parseKey(object.key);
    if (parsed) jobs.add(parsed.job);
  }
  return [...jobs].sort();
}

function staleAfterOf(config: CairnConfig, job: string, options: FleetStatusOptions): number {
  const configured = config.jobs.get(job);
  if (configured?.staleAfterMs !== undefined) return configured.staleAfterMs;
  if (configured?.schedule) {
    const interval = longestInterval(configured.schedule, configured.timeZone, options.now);
    if (interval) return interval * 2;
  }
  return options.defaultStaleAfterMs;
}
