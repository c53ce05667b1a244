/**
 * Faults a test arms before a call; each fires on the next matching calls of a route
 * (`files/upload_session/append_v2`, `oauth2/token`, ...) and then disarms itself.
 */
export type Fault =
  | {
      kind: "rateLimit";
      reason: "too_many_requests" | "too_many_write_operations";
      retryAfterSeconds: number;
    }
  | { kind: "serverError"; status: number }
  | {
      kind: "dropConnection";
      /** Bytes of the request body read before the socket is destroyed. */
      afterBytes: number;
      /** True: the call is carried out in full and only the response is lost. */
      applyBeforeDrop: boolean;
    }
  /** The upload is committed with one byte flipped, as if corrupted in transit. */
  | { kind: "corrupt" };

interface Armed {
  route: string;
  fault: Fault;
  /** Calls of the route to let through before the fault starts firing. */
  skip: number;
  remaining: number;
}

export class FaultPlan {
  private readonly armed: Armed[] = [];

  add(route: string, fault: Fault, options: { times?: number; after?: number } = {}): void {
    this.armed.push({
      route: normalize(route),
      fault,
      skip: options.after ?? 0,
      remaining: options.times ?? 1,
    });
  }

  /** The fault for this call of `route`, if one is armed; counts the call. */
  take(route: string): Fault | undefined {
    const entry = this.armed.find((a) => a.route === route);
    if (!entry) return undefined;
    if (entry.skip > 0) {
      entry.skip -= 1;
      return undefined;
    }
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.armed.splice(this.armed.indexOf(entry), 1);
    return entry.fault;
  }

  clear(): void {
    this.armed.length = 0;
  }
}

function normalize(route: string): string {
  return route.replace(/^\/+/, "").replace(/^2\//, "");
}
