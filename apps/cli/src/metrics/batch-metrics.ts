import { randomBytes } from "node:crypto";
import { rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { type BackupResult, CairnError } from "@cairn/core";

/** Where a one-shot `cairn backup` leaves its metrics, for a cron job or a Kubernetes CronJob. */
export interface BatchMetricsTargets {
  /** node_exporter's textfile collector reads this (`*.prom`); replaced whole, never half written. */
  file?: string;
  /** A Pushgateway's base URL; each job's metrics go to the group `job/<job>/instance/<host>`. */
  pushgateway?: string;
}

/** Checks the targets before any backup runs, so a typo costs nothing. */
export async function checkBatchTargets(
  targets: BatchMetricsTargets,
  cwd: string,
): Promise<BatchMetricsTargets> {
  const checked: BatchMetricsTargets = {};
  if (targets.file !== undefined) {
    const file = resolve(cwd, targets.file);
    const folder = await stat(dirname(file)).catch(() => undefined);
    if (!folder?.isDirectory()) {
      throw new CairnError(
        "USAGE",
        `--metrics-file ${targets.file}: the folder ${dirname(file)} does not exist`,
        {
          hint: "give a file in node_exporter's --collector.textfile.directory, e.g. /var/lib/node_exporter/cairn.prom",
        },
      );
    }
    checked.file = file;
  }
  if (targets.pushgateway !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(targets.pushgateway);
    } catch {}
    if (!url || !/^https?:$/.test(url.protocol)) {
      throw new CairnError("USAGE", `--pushgateway ${targets.pushgateway} is not an http(s) URL`, {
        hint: "give the Pushgateway's base URL, e.g. http://pushgateway.monitoring:9091",
      });
    }
    checked.pushgateway = url.href.replace(/\/+$/, "");
  }
  return checked;
}

/** Writes and pushes the metrics of this run's results; resolves with what could not be done. */
export async function publishBatchMetrics(
  targets: BatchMetricsTargets,
  results: ReadonlyMap<string, readonly BackupResult[]>,
  host: string,
): Promise<string[]> {
  const problems: string[] = [];
  if (!targets.file && !targets.pushgateway) return problems;
  // prom-client (and the OpenTelemetry API it brings) is ~15 MiB resident once loaded: only for
  // the runs that publish metrics.
  const { RunMetrics } = await import("./run-metrics.js");
  if (targets.file) {
    const all = new RunMetrics();
    for (const [job, jobResults] of results) all.record(job, jobResults);
    await writeAtomically(targets.file, await all.registry.metrics()).catch((error: unknown) =>
      problems.push(`could not write --metrics-file ${targets.file}: ${(error as Error).message}`),
    );
  }
  if (targets.pushgateway) {
    for (const [job, jobResults] of results) {
      const one = new RunMetrics();
      one.record(job, jobResults);
      await push(targets.pushgateway, job, host, await one.registry.metrics()).catch((error: unknown) =>
        problems.push((error as Error).message),
      );
    }
  }
  return problems;
}

/**
 * The textfile collector may read at any moment: write a temporary name beside the file (not
 * ending in .prom, so it is never read) and rename it over the old one in one step.
 */
async function writeAtomically(file: string, text: string): Promise<void> {
  const temporary = join(dirname(file), `.${basename(file)}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    await writeFile(temporary, text, { flag: "wx", flush: true });
    await rename(temporary, file);
  } finally {
    await rm(temporary, { force: true });
  }
}

/** A label value in a Pushgateway path; base64url (`@base64`) for anything beyond the plain characters. */
function pathLabel(name: string, value: string): string {
  return /^[A-Za-z0-9._-]+$/.test(value)
    ? `${name}/${value}`
    : `${name}@base64/${Buffer.from(value).toString("base64url") || "="}`;
}

/** PUT replaces every metric of the group, so a job's old series do not linger. */
async function push(base: string, job: string, host: string, text: string): Promise<void> {
  const url = `${base}/metrics/${pathLabel("job", job)}/${pathLabel("instance", host)}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: "PUT",
      headers: { "content-type": "text/plain; version=0.0.4" },
      body: text,
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new Error(
      `could not reach the Pushgateway at ${base}: ${(error as Error).cause ?? (error as Error).message}`,
    );
  }
  if (response.status !== 200 && response.status !== 202) {
    const why = (await response.text().catch(() => "")).trim().slice(0, 300);
    throw new Error(
      `the Pushgateway at ${base} refused job ${job}'s metrics: HTTP ${response.status} ${why}`,
    );
  }
}
