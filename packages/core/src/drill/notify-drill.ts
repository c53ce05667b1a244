import { attempt, type DeliveryOptions, request, trimSlash } from "../notify/deliver.js";
import type { NotifierConfig } from "../notify/schema.js";
import { runHook } from "../pipeline/hooks.js";
import type { DrillResult } from "./drill-result.js";

/** What a webhook receives for a drill (docs/drills.md); `event` tells it from a backup run's report. */
export interface DrillReport extends DrillResult {
  version: 1;
  event: "drill.finished";
}

/**
 * Sends a drill's result to the job's notifiers. Webhooks and commands get every drill they ask
 * for. A healthchecks-style ping gets failures only, at its failure URL: a success ping would
 * tell the monitor that a backup ran when only a drill did. Never throws.
 */
export async function notifyDrill(
  notifiers: readonly NotifierConfig[],
  result: DrillResult,
  options: DeliveryOptions,
): Promise<void> {
  const report: DrillReport = { version: 1, event: "drill.finished", ...result };
  const outcome = result.status === "ok" ? "success" : "failure";
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
          await attempt("drill webhook", () => request(notifier.url, init, options), options);
          return;
        }
        case "ping": {
          if (outcome === "success") return;
          const url = notifier.failure ?? (notifier.url ? `${trimSlash(notifier.url)}/fail` : undefined);
          if (!url) return;
          const body = `cairn drill of job ${result.job} on ${result.host}: failed\n${result.error?.message ?? ""}\n`;
          await attempt("drill failure ping", () => request(url, { method: "POST", body }, options), options);
          return;
        }
        case "command": {
          if (notifier.on && !notifier.on.includes(outcome)) return;
          const env = {
            CAIRN_EVENT: report.event,
            CAIRN_JOB: result.job,
            CAIRN_STATUS: result.status,
            CAIRN_BACKUP_ID: result.id ?? "",
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
