import pRetry, { AbortError } from "p-retry";
import type { Logger } from "../contracts/context.js";
import { runHook } from "../pipeline/hooks.js";
import type { RunReport } from "./payload.js";
import type { NotifierConfig } from "./schema.js";

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

/** Tells healthchecks-style monitors that a run started. Never throws: monitoring must not stop a backup. */
export async function notifyStart(
  notifiers: readonly NotifierConfig[],
  options: DeliveryOptions,
): Promise<void> {
  await Promise.all(
    notifiers.map(async (notifier) => {
      if (notifier.type !== "ping") return;
      const url = notifier.start ?? (notifier.url ? `${trimSlash(notifier.url)}/start` : undefined);
      if (url) await attempt(`start ping`, () => request(url, { method: "GET" }, options), options);
    }),
  );
}

/** Sends the run's report to every notifier that wants this outcome. Never throws. */
export async function notifyFinish(
  notifiers: readonly NotifierConfig[],
  report: RunReport,
  options: DeliveryOptions,
): Promise<void> {
  // An unchanged source is a success: the destinations hold it as it is.
  const outcome = report.status === "ok" || report.status === "unchanged" ? "success" : "failure";
  await Promise.all(
    notifiers.map(async (notifier) => {
      switch (notifier.type) {
        case "webhook": {
          if (notifier.on && !notifier.on.includes(outcome)) return;
          const init: RequestInit = {
            method: "POST",
            headers: { "content-type": "application/json", ...notifier.headers },
            body: JSON.stringify(report),
          };
          await attempt("webhook", () => request(notifier.url, init, options), options);
          return;
        }
        case "ping": {
          const url =
            outcome === "success"
              ? (notifier.success ?? (notifier.url ? trimSlash(notifier.url) : undefined))
              : (notifier.failure ?? (notifier.url ? `${trimSlash(notifier.url)}/fail` : undefined));
          if (!url) return;
          // healthchecks.io shows a POST body in its event log: the failure's reason lands there.
          const init: RequestInit = { method: "POST", body: summaryLine(report) };
          await attempt(`${outcome} ping`, () => request(url, init, options), options);
          return;
        }
        case "command": {
          if (notifier.on && !notifier.on.includes(outcome)) return;
          const env = {
            CAIRN_JOB: report.job,
            CAIRN_STATUS: report.status,
            CAIRN_BACKUP_ID: report.backups.at(-1)?.id ?? "",
            CAIRN_REPORT: JSON.stringify(report),
          };
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
          return;
        }
      }
    }),
  );
}

function summaryLine(report: RunReport): string {
  const failures = report.backups.flatMap((b) => [
    ...(b.error ? [b.error.message] : []),
    ...b.destinations.filter((d) => d.error).map((d) => `${d.name}: ${d.error!.message}`),
  ]);
  return `cairn job ${report.job} on ${report.host}: ${report.status}${failures.length ? `\n${failures.join("\n")}` : ""}\n`;
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
