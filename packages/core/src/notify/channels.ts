import pRetry, { AbortError } from "p-retry";
import type { Logger } from "../contracts/context.js";
import { runHook } from "../pipeline/hooks.js";
import type { CommandNotifier, PingNotifier, WebhookNotifier } from "./schema.js";

export interface DeliveryOptions {
  logger: Logger;
  /** Hides secrets (a token in a webhook URL) in anything logged. */
  redact: (text: string) => string;
  /** Attempts per notification; 4 by default (1 s, 2 s, 4 s apart). */
  attempts?: number;
  /** Per request; 10 s by default. */
  timeoutMs?: number;
  /** Shortens retry waits in tests. */
  minRetryDelayMs?: number;
  signal?: AbortSignal;
}

/** POSTs a report as JSON to a webhook, with retries. Never throws. */
export function postReport(
  notifier: WebhookNotifier,
  report: unknown,
  what: string,
  options: DeliveryOptions,
): Promise<void> {
  const init: RequestInit = {
    method: "POST",
    headers: { "content-type": "application/json", ...notifier.headers },
    body: JSON.stringify(report),
  };
  return attempt(what, () => request(notifier.url, init, options), options);
}

/** Where a healthchecks-style monitor hears of a start, a success or a failure (its own URL, or its base URL's path). */
export function pingUrl(notifier: PingNotifier, kind: "start" | "success" | "failure"): string | undefined {
  const base = notifier.url ? trimSlash(notifier.url) : undefined;
  if (kind === "start") return notifier.start ?? (base && `${base}/start`);
  if (kind === "failure") return notifier.failure ?? (base && `${base}/fail`);
  return notifier.success ?? base;
}

/** Runs a notify command with the report in its environment. Never throws: it logs (redacted). */
export async function runNotifyCommand(
  notifier: CommandNotifier,
  env: Record<string, string>,
  options: DeliveryOptions,
): Promise<void> {
  try {
    await runHook(
      "notify",
      notifier.command,
      env,
      options.timeoutMs ?? 60_000,
      options.signal ?? new AbortController().signal,
      options.redact,
    );
  } catch (error) {
    options.logger.warn(`notify command failed: ${options.redact((error as Error).message)}`);
  }
}

/** One HTTP request; a 4xx other than 408/429 is not retried. Shared with drill reports. */
export async function request(url: string, init: RequestInit, options: DeliveryOptions): Promise<void> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
  await response.body?.cancel();
  if (response.ok) return;
  const error = new Error(`HTTP ${response.status}`);
  // A 4xx other than 408/429 will not get better by asking again.
  if (response.status < 500 && response.status !== 408 && response.status !== 429)
    throw new AbortError(error);
  throw error;
}

/** Sends with retries; logs (redacted) and never throws when it cannot. */
export async function attempt(
  what: string,
  send: () => Promise<void>,
  options: DeliveryOptions,
): Promise<void> {
  try {
    await pRetry(send, {
      retries: (options.attempts ?? 4) - 1,
      minTimeout: options.minRetryDelayMs ?? 1000,
      factor: 2,
      randomize: true,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    options.logger.warn(
      `${what} notification could not be delivered: ${options.redact((error as Error).message)}`,
    );
  }
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
