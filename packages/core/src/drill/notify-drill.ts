import {
  attempt,
  type DeliveryOptions,
  pingUrl,
  postReport,
  request,
  runNotifyCommand,
} from "../notify/channels.js";
import type { NotifierConfig } from "../notify/schema.js";
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
          await postReport(notifier, report, "drill webhook", options);
          return;
        }
        case "ping": {
          if (outcome === "success") return;
          const url = pingUrl(notifier, "failure");
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
          await runNotifyCommand(notifier, env, options);
          return;
        }
      }
    }),
  );
}
