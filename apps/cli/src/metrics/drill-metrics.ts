import type { DrillResult } from "@cairn/core";
import { Counter, Gauge, type Registry } from "prom-client";

/** What `cairn run --metrics` exposes about restore drills, beside the backup metrics. */
export class DrillMetrics {
  private readonly lastSuccess: Gauge;
  private readonly duration: Gauge;
  private readonly throughput: Gauge;
  private readonly ok: Gauge;
  private readonly failures: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.lastSuccess = new Gauge({
      name: "cairn_last_drill_success_timestamp_seconds",
      help: "When the job's newest successful restore drill finished",
      labelNames: ["job"],
      registers,
    });
    this.duration = new Gauge({
      name: "cairn_last_drill_duration_seconds",
      help: "How long the restore of the job's last drill took: the recovery time to expect",
      labelNames: ["job"],
      registers,
    });
    this.throughput = new Gauge({
      name: "cairn_last_drill_bytes_per_second",
      help: "Archive bytes read per second in the job's last drill",
      labelNames: ["job"],
      registers,
    });
    this.ok = new Gauge({
      name: "cairn_last_drill_ok",
      help: "1 when the job's last restore drill passed, 0 when it failed",
      labelNames: ["job"],
      registers,
    });
    this.failures = new Counter({
      name: "cairn_drill_failures_total",
      help: "Restore drills that failed",
      labelNames: ["job"],
      registers,
    });
  }

  record(result: DrillResult): void {
    const labels = { job: result.job };
    this.ok.set(labels, result.status === "ok" ? 1 : 0);
    if (result.restored) {
      this.duration.set(labels, result.restored.durationMs / 1000);
      this.throughput.set(labels, result.restored.bytesPerSecond);
    }
    if (result.status === "ok") this.lastSuccess.set(labels, Date.parse(result.finishedAt) / 1000);
    else this.failures.inc(labels);
  }

  /** The last success a drill before this process recorded, so a restart does not look like "never". */
  remember(job: string, lastSuccess: DrillResult | undefined): void {
    if (lastSuccess) this.lastSuccess.set({ job }, Date.parse(lastSuccess.finishedAt) / 1000);
  }
}
