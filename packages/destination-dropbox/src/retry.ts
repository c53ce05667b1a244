import { isNetworkError } from "@cairn/core";
import { errorSummary, header, isHttpError } from "./errors.js";

export interface RetryPolicy {
  /** Attempts after the first. */
  maxRetries: number;
  /** Cap on the backoff between attempts, in ms (a server's Retry-After is honoured beyond it). */
  maxDelay: number;
  /** First backoff, in ms; doubles with each attempt. */
  baseDelay: number;
}

/** Retry-After may ask for long pauses; beyond this a run is better off failing and trying next time. */
const MAX_RETRY_AFTER_MS = 15 * 60_000;

export type Verdict = { retry: false } | { retry: true; delay: number; refreshToken?: boolean };

/** Decides whether a failed call is worth repeating, and after how long. */
export function judge(error: unknown, attempt: number, policy: RetryPolicy): Verdict {
  const backoff = () => {
    const ceiling = Math.min(policy.maxDelay, policy.baseDelay * 2 ** attempt);
    // "Equal jitter": at least half the backoff, so retries spread out but never bunch at 0.
    return ceiling / 2 + Math.random() * (ceiling / 2);
  };
  if (isHttpError(error)) {
    const summary = errorSummary(error);
    if (error.status === 401 && summary.startsWith("expired_access_token")) {
      return { retry: true, delay: 0, refreshToken: true };
    }
    if (error.status === 429) {
      const seconds = Number(
        header(error, "retry-after") ??
          (error.error as { error?: { retry_after?: unknown } })?.error?.retry_after,
      );
      const delay = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : backoff();
      return { retry: true, delay: Math.min(delay, MAX_RETRY_AFTER_MS) };
    }
    if (error.status >= 500 || (error.status === 409 && summary.includes("too_many_write_operations"))) {
      return { retry: true, delay: backoff() };
    }
    return { retry: false };
  }
  return isNetworkError(error) ? { retry: true, delay: backoff() } : { retry: false };
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Runs `call` until it succeeds, fails for good, or the retries run out. `call` must be
 * safe to repeat (an upload replays the chunk it holds). `refresh` gets a new access token
 * when the current one expired early.
 */
export async function withRetries<T>(
  call: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  hooks: { refresh(): Promise<void>; signal?: AbortSignal; onRetry?(error: unknown, delay: number): void },
): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call(attempt);
    } catch (error) {
      if (hooks.signal?.aborted) throw error;
      const verdict = judge(error, attempt, policy);
      if (!verdict.retry || attempt >= policy.maxRetries) throw error;
      hooks.onRetry?.(error, verdict.delay);
      if (verdict.refreshToken) await hooks.refresh();
      await sleep(verdict.delay, hooks.signal);
    }
  }
}
