import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../contracts/context.js";
import type { Destination, ExclusiveObjects } from "../contracts/destination.js";
import { CairnError } from "../errors.js";
import { leaseKey } from "../naming.js";
import { formatClockDuration } from "../util/clock-duration.js";
import { type HeldLease, holdLease } from "./hold-lease.js";
import { describeHolder, encodeLease, type LeaseRecord, parseLease } from "./lease-record.js";

export type { HeldLease } from "./hold-lease.js";

export interface LeaseOptions {
  job: string;
  host: string;
  /** How long a lease lasts unless renewed; the holder renews it every third of that. */
  expiryMs: number;
  /** How long to wait for another holder to finish before failing. */
  waitMs: number;
  /** The destination's name, for messages. */
  where: string;
  logger: Logger;
  signal: AbortSignal;
}

export const DEFAULT_LOCK_WAIT_MS = 10 * 60_000;
export const DEFAULT_LOCK_EXPIRY_MS = 2 * 60_000;

/** Whether a destination can hold a lease at all. */
export function canLease(destination: Destination): destination is Destination & ExclusiveObjects {
  return (
    typeof destination.createExclusive === "function" &&
    typeof destination.readVersioned === "function" &&
    typeof destination.replaceIfVersion === "function" &&
    typeof destination.deleteIfVersion === "function"
  );
}

/**
 * Takes the job's lease at a destination (`<job>/.cairn-lock`), created only if absent. A lease
 * whose expiry has passed by this machine's clock is taken over with replaceIfVersion, so of
 * several hosts taking over one expired lease only one wins (one step where the store has
 * compare-and-swap; see docs/fleet.md for the window where it has not). An unreadable lease
 * counts as expired once it has stayed unchanged for a whole expiry. Waits up to `waitMs`, then
 * fails with LOCKED naming the holder.
 */
export async function takeLease(
  destination: Destination & ExclusiveObjects,
  options: LeaseOptions,
): Promise<HeldLease> {
  const key = leaseKey(options.job);
  const signal = options.signal;
  const token = randomBytes(8).toString("hex");
  const startedAt = new Date().toISOString();
  const recordAt = (now: number): LeaseRecord => ({
    lease: 1,
    job: options.job,
    host: options.host,
    pid: process.pid,
    token,
    startedAt,
    renewedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + options.expiryMs).toISOString(),
  });
  const deadline = Date.now() + options.waitMs;
  // Short at first (a prune takes a moment), then backing off to a look every second or two.
  const longestPoll = Math.min(2000, Math.max(100, options.expiryMs / 20));
  let poll = 50;
  let seen: { version: string; since: number } | undefined;
  let holder: LeaseRecord | undefined;

  for (;;) {
    signal.throwIfAborted();
    const record = recordAt(Date.now());
    try {
      const version = await destination.createExclusive(key, encodeLease(record), { signal });
      return holdLease(destination, key, record, version, options, "taken");
    } catch (error) {
      if (!CairnError.is(error, "DESTINATION_CONFLICT")) throw error;
    }
    const current = await destination.readVersioned(key, { signal }).catch((error: unknown) => {
      if (CairnError.is(error, "NOT_FOUND")) return undefined; // released just now: try again
      throw error;
    });
    if (current) {
      holder = parseLease(current.body);
      // Our own create, whose answer was lost and whose retry was refused: it is ours.
      if (holder?.token === token)
        return holdLease(destination, key, holder, current.version, options, "taken");
      if (seen?.version !== current.version) seen = { version: current.version, since: Date.now() };
      const expired = holder
        ? Date.parse(holder.expiresAt) < Date.now()
        : Date.now() - seen.since > options.expiryMs;
      if (expired) {
        const mine = recordAt(Date.now());
        try {
          const version = await destination.replaceIfVersion(key, encodeLease(mine), current.version, {
            signal,
          });
          options.logger.warn(
            `took over the expired lease on job ${options.job} at ${options.where}, held by ${describeHolder(holder)}`,
          );
          return holdLease(destination, key, mine, version, options, "taken over");
        } catch (error) {
          if (!CairnError.is(error, "DESTINATION_CONFLICT") && !CairnError.is(error, "NOT_FOUND"))
            throw error;
          continue; // another host took it over first, or it was released: look again
        }
      }
      if (Date.now() >= deadline) {
        throw new CairnError(
          "LOCKED",
          `job ${options.job} at ${options.where} is leased by ${describeHolder(holder)}; waited ${formatClockDuration(options.waitMs)}`,
          {
            hint: `another run of this job prunes there now; try later, or raise lockWait. If that host is gone, the lease expires by itself at its expiry (lockExpiry)`,
          },
        );
      }
      // Jitter, so waiting hosts do not retry in step.
      await sleep(Math.min(poll * (0.5 + Math.random()), Math.max(0, deadline - Date.now()) + 1), undefined, {
        signal,
      });
      poll = Math.min(longestPoll, poll * 1.5);
    }
  }
}
