import { CairnError } from "@cairn/core";
import { describe, expect, it } from "vitest";
import { parseListenAddress, RunMetrics } from "./run-metrics.js";

describe("--metrics address", () => {
  it("takes a bare port as every interface, and a host or bracketed IPv6 address before it", () => {
    expect(parseListenAddress(":9464")).toEqual({ host: "0.0.0.0", port: 9464 });
    expect(parseListenAddress("127.0.0.1:9464")).toEqual({ host: "127.0.0.1", port: 9464 });
    expect(parseListenAddress("localhost:0")).toEqual({ host: "localhost", port: 0 });
    expect(parseListenAddress("[::1]:9464")).toEqual({ host: "::1", port: 9464 });
  });

  it("refuses what is not host:port with a usage error that shows the form", () => {
    for (const bad of ["9464", "host:", "127.0.0.1:99999", "a:b"]) {
      let caught: unknown;
      try {
        parseListenAddress(bad);
      } catch (error) {
        caught = error;
      }
      expect(CairnError.is(caught, "USAGE"), bad).toBe(true);
      expect(String((caught as Error).message)).toContain(bad);
    }
  });
});

describe("RunMetrics", () => {
  it("counts a failed destination and keeps the last success time of the one that worked", async () => {
    const metrics = new RunMetrics();
    const result = (status: "ok" | "failed") => ({
      id: "job-1",
      job: "job",
      status,
      startedAt: "2026-12-01T03:00:00.000Z",
      finishedAt: "2026-12-01T03:00:30.000Z",
      archive: { size: 1234 },
      destinations: [
        { destination: "disk", status: "ok" },
        { destination: "cloud", status },
      ],
    });
    metrics.record("job", [result("failed"), result("failed")] as never);
    const text = await metrics.registry.metrics();
    expect(text).toContain('cairn_failures_total{job="job",destination="cloud"} 2');
    expect(text).toContain(
      `cairn_last_success_timestamp_seconds{job="job",destination="disk"} ${Date.parse("2026-12-01T03:00:30Z") / 1000}`,
    );
    expect(text).not.toContain('cairn_last_success_timestamp_seconds{job="job",destination="cloud"}');
    expect(text).toContain('cairn_last_run_duration_seconds{job="job"} 30');
    expect(text).toContain('cairn_last_backup_bytes{job="job"} 1234');
  });
});
