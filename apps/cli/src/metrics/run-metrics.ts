import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type BackupResult, CairnError } from "@cairn/core";
import { Counter, Gauge, Registry } from "prom-client";

/** What `cairn run --metrics` exposes for Prometheus, per job and destination. */
export class RunMetrics {
  readonly registry = new Registry();
  private readonly lastSuccess = new Gauge({
    name: "cairn_last_success_timestamp_seconds",
    help: "When this destination last held a current backup of the job: an upload finished, or a run found the source unchanged",
    labelNames: ["job", "destination"],
    registers: [this.registry],
  });
  private readonly duration = new Gauge({
    name: "cairn_last_run_duration_seconds",
    help: "How long the job's last backup took",
    labelNames: ["job"],
    registers: [this.registry],
  });
  private readonly bytes = new Gauge({
    name: "cairn_last_backup_bytes",
    help: "Size of the job's last archive",
    labelNames: ["job"],
    registers: [this.registry],
  });
  private readonly unchanged = new Gauge({
    name: "cairn_last_run_unchanged",
    help: "1 when the job's last run found the source unchanged at this destination and uploaded nothing (skipUnchanged), 0 when it uploaded",
    labelNames: ["job", "destination"],
    registers: [this.registry],
  });
  private readonly failures = new Counter({
    name: "cairn_failures_total",
    help: "Backups that did not reach this destination",
    labelNames: ["job", "destination"],
    registers: [this.registry],
  });

  record(job: string, results: readonly BackupResult[]): void {
    for (const result of results) {
      const seconds = (Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000;
      this.duration.set({ job }, seconds);
      if (result.archive) this.bytes.set({ job }, result.archive.size);
      for (const destination of result.destinations) {
        const labels = { job, destination: destination.destination };
        if (destination.status === "failed") {
          this.failures.inc(labels);
          continue;
        }
        this.lastSuccess.set(labels, Date.parse(result.finishedAt) / 1000);
        this.unchanged.set(labels, destination.status === "unchanged" ? 1 : 0);
      }
    }
  }

  /** Serves /metrics on `listen` (`:9464`, `127.0.0.1:9464`); resolves with the address it got. */
  async serve(listen: string): Promise<{ server: Server; address: string }> {
    const { host, port } = parseListenAddress(listen);
    const server = createServer(async (req, res) => {
      if (req.url !== "/metrics") {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": this.registry.contentType });
      res.end(await this.registry.metrics());
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", (error: NodeJS.ErrnoException) =>
        reject(
          new CairnError("USAGE", `cannot serve metrics on ${listen}: ${error.code ?? error.message}`, {
            hint:
              error.code === "EADDRINUSE"
                ? "another program listens on that port; pick another with --metrics"
                : "give a local address and a free port, e.g. --metrics 127.0.0.1:9464",
          }),
        ),
      );
      server.listen(port, host, resolve);
    });
    const address = server.address() as AddressInfo;
    const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
    return { server, address: `${shown}:${address.port}` };
  }
}

/** `:9464` (every interface), `127.0.0.1:9464`, `[::1]:9464` or `localhost:9464`. */
export function parseListenAddress(listen: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(listen.trim());
  const port = match ? Number(match[3]) : Number.NaN;
  if (!match || port > 65535) {
    throw new CairnError("USAGE", `--metrics ${listen} is not an address to listen on`, {
      hint: "give [host]:port, e.g. :9464 or 127.0.0.1:9464",
    });
  }
  return { host: match[1] ?? (match[2] || "0.0.0.0"), port };
}
