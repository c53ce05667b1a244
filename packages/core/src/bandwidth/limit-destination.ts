import { pipeline, type Readable } from "node:stream";
import type { Destination } from "../contracts/destination.js";
import { Bandwidth } from "./bandwidth.js";
import type { BandwidthSchedule } from "./schedule.js";

export interface BandwidthLimits {
  upload?: BandwidthSchedule;
  download?: BandwidthSchedule;
}

/** The limits of one configured destination, shared by every open of it in this process. */
export interface DestinationBandwidth {
  upload?: Bandwidth;
  download?: Bandwidth;
}

export function bandwidthOf(limits: BandwidthLimits): DestinationBandwidth {
  return {
    ...(limits.upload ? { upload: new Bandwidth(limits.upload) } : {}),
    ...(limits.download ? { download: new Bandwidth(limits.download) } : {}),
  };
}

/**
 * The destination with its uploads and downloads held to their limits. It wraps whatever a
 * plugin returns, so a third-party destination is limited like the built-in ones; the plugin
 * sees an ordinary stream that simply arrives at the limited rate. Every other method and
 * property is the plugin's own, optional ones included (core checks those against the declared
 * capabilities).
 */
export function limitDestination(destination: Destination, bandwidth: DestinationBandwidth): Destination {
  const { upload, download } = bandwidth;
  if (!upload && !download) return destination;
  const put: Destination["put"] = (key, body, info) =>
    destination.put(key, upload ? throttled(body, upload, info.signal) : body, info);
  const get: Destination["get"] = async (key, options) => {
    const body = await destination.get(key, options);
    return download ? throttled(body, download, options.signal) : body;
  };
  return new Proxy(destination, {
    get(target, property) {
      if (property === "put") return put;
      if (property === "get") return get;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function throttled(body: Readable, bandwidth: Bandwidth, signal: AbortSignal | undefined): Readable {
  const throttle = bandwidth.throttle(signal);
  // Errors go both ways: a failing source fails the transfer, a destroyed transfer stops the source.
  pipeline(body, throttle, () => {});
  return throttle;
}
