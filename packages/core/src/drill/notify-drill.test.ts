import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../contracts/context.js";
import type { DrillResult } from "./drill-result.js";
import { notifyDrill } from "./notify-drill.js";

const ok: DrillResult = {
  job: "db",
  host: "nas",
  status: "ok",
  startedAt: "2026-12-06T05:00:00.000Z",
  finishedAt: "2026-12-06T05:00:09.000Z",
  destination: "disk",
  id: "db-20261206T030000Z-k3f9",
  restored: { entries: 3, bytes: 100, archiveBytes: 200, durationMs: 9000, bytesPerSecond: 22 },
};
const failed: DrillResult = {
  ...ok,
  status: "failed",
  error: { code: "DRILL_FAILED", message: '"db.dump" fails pg_restore --list: end of file' },
};

describe("drill notifications", () => {
  let server: Server;
  let base: string;
  let received: { method: string; path: string; body: string }[];
  beforeEach(async () => {
    received = [];
    server = createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      req.on("end", () => {
        received.push({ method: req.method!, path: req.url!, body });
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const options = { logger: silentLogger, redact: (text: string) => text, minRetryDelayMs: 5 };

  it("posts a drill.finished report to a webhook, which a backup's run.finished receiver can tell apart", async () => {
    await notifyDrill([{ type: "webhook", url: `${base}/hook` }], ok, options);
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]!.body)).toMatchObject({
      version: 1,
      event: "drill.finished",
      job: "db",
      status: "ok",
      id: ok.id,
    });
  });

  it("pings a healthchecks-style monitor only when a drill fails, at its failure URL with the reason", async () => {
    const ping = [{ type: "ping" as const, url: `${base}/uuid` }];
    await notifyDrill(ping, ok, options);
    expect(received).toEqual([]);
    await notifyDrill(ping, failed, options);
    expect(received.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /uuid/fail"]);
    expect(received[0]!.body).toContain('"db.dump" fails pg_restore --list: end of file');
  });
});
