import { attempt, type DeliveryOptions, pingUrl, postReport, request, runNotifyCommand } from "./channels.js";
import type { RunReport } from "./payload.js";
import type { NotifierConfig } from "./schema.js";

export type { DeliveryOptions } from "./channels.js";

/** Tells healthchecks-style monitors that a run started. Never throws: monitoring must not stop a backup. */
export async function notifyStart(
  notifiers: readonly NotifierConfig[],
  options: DeliveryOptions,
): Promise<void> {
  await Promise.all(
    notifiers.map(async (notifier) => {
      if (notifier.type !== "ping") return;
      const url = pingUrl(notifier, "start");
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
          await postReport(notifier, report, "webhook", options);
          return;
        }
        case "ping": {
          const url = pingUrl(notifier, outcome);
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
          await runNotifyCommand(notifier, env, options);
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
    ...b.destinations.flatMap((d) =>
      (d.retention?.errors ?? []).map((e) => `${d.name}: retention: ${e.message}`),
    ),
  ]);
  return `cairn job ${report.job} on ${report.host}: ${report.status}${failures.length ? `\n${failures.join("\n")}` : ""}\n`;
}
