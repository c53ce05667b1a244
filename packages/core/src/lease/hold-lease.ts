import type { Destination, ExclusiveObjects } from "../contracts/destination.js";
import { CairnError } from "../errors.js";
import { encodeLease, type LeaseRecord } from "./lease-record.js";
import type { LeaseOptions } from "./take-lease.js";

export interface HeldLease {
  /** Aborts when the lease was lost (a renewal found it taken over): stop deleting at once. */
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

/**
 * Holds a lease just taken: renews it every third of its expiry (with replaceIfVersion, so a
 * renewal that finds it taken over aborts `lost`), and on release deletes it if it is still ours.
 */
export function holdLease(
  destination: Destination & ExclusiveObjects,
  key: string,
  first: LeaseRecord,
  firstVersion: string,
  options: LeaseOptions,
  how: string,
): HeldLease {
  const lost = new AbortController();
  let version = firstVersion;
  let record = first;
  let released = false;
  const fields = {
    destination: options.where,
    job: options.job,
    host: options.host,
    pid: process.pid,
    token: first.token,
  };
  options.logger.info(`lease ${how} on job ${options.job} at ${options.where}`, {
    ...fields,
    lease: "acquired",
  });

  const loseIt = (why: string) => {
    options.logger.error(`lost the lease on job ${options.job} at ${options.where}: ${why}`, fields);
    lost.abort(new CairnError("LOCKED", `lost the lease on job ${options.job} at ${options.where}: ${why}`));
  };
  let renewal: Promise<void> = Promise.resolve();
  const renew = async () => {
    if (released || lost.signal.aborted) return;
    const next = {
      ...record,
      renewedAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + options.expiryMs).toISOString(),
    };
    try {
      version = await destination.replaceIfVersion(key, encodeLease(next), version, {
        signal: options.signal,
      });
      record = next;
    } catch (error) {
      if (CairnError.is(error, "DESTINATION_CONFLICT") || CairnError.is(error, "NOT_FOUND")) {
        loseIt("another host took it over");
        return;
      }
      // A failed renewal is tried again next time, until the lease would have run out.
      if (Date.parse(record.expiresAt) <= Date.now())
        loseIt(`it expired while renewals failed (${(error as Error).message})`);
    }
  };
  const timer = setInterval(
    () => {
      renewal = renewal.then(renew);
    },
    Math.max(50, options.expiryMs / 3),
  );
  timer.unref();

  return {
    lost: lost.signal,
    async release() {
      if (released) return;
      clearInterval(timer);
      await renewal;
      released = true;
      options.logger.info(`lease released on job ${options.job} at ${options.where}`, {
        ...fields,
        lease: "released",
      });
      if (lost.signal.aborted) return;
      await destination
        .deleteIfVersion(key, version, { signal: new AbortController().signal })
        .catch((error: unknown) =>
          options.logger.warn(
            `could not remove the lease on job ${options.job} at ${options.where}: ${(error as Error).message}`,
          ),
        );
    },
  };
}
