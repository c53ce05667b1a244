import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Logger } from "../contracts/context.js";
import type { BackupResult } from "../pipeline/results.js";
import { notifyFinish, notifyStart } from "./deliver.js";
import { buildReport } from "./payload.js";

interface Received {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

const ok: BackupResult = {
  job: "db",
  id: "db-20261122T030000Z-k3f9",
  status: "ok",
  startedAt: "2026-11-22T03:00:00.000Z",
  finishedAt: "2026-11-22T03:00:05.000Z",
  archive: { format: "zip", size: 1234, sha256: "a".repeat(64), entries: 3, sourceBytes: 5000 },
  destinations: [{ destination: "disk", status: "ok", archiveKey: "db/db-20261122T030000Z-k3f9.zip" }],
};
const failed: BackupResult = {
  ...ok,
  status: "failed",
  destinations: [
    {
      destination: "disk",
      status: "failed",
      error: { code: "DESTINATION_QUOTA", message: "disk full at /mnt/backup" },
    },
  ],
  error: { code: "DESTINATION_QUOTA", message: "disk full at /mnt/backup" },
};
const start = new Date("2026-11-22T03:00:00Z");
const end = new Date("2026-11-22T03:00:05Z");

describe("notifications", () => {
  let server: Server;
  let base: string;
  let received: Received[];
  let failNext: number;
  let warnings: string[];
  let options: Parameters<typeof notifyFinish>[2];

  beforeEach(async () => {
    received = [];
    failNext = 0;
    warnings = [];
    server = createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8").on("data", (c: string) => (body += c));
      req.on("end", () => {
        received.push({ method: req.method!, path: req.url!, headers: req.headers, body });
        if (req.url === "/gone") res.writeHead(404);
        else if (failNext-- > 0) res.writeHead(503);
        else res.writeHead(200);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const logger: Logger = {
      debug() {},
      info() {},
      warn: (m) => warnings.push(m),
      error: (m) => warnings.push(m),
    };
    options = { logger, redact: (t) => t.replaceAll("s3cret", "***"), minRetryDelayMs: 5 };
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("POSTs the documented JSON report to a webhook on success and on failure", async () => {
    const hook = [{ type: "webhook" as const, url: `${base}/hook`, headers: { authorization: "Bearer x" } }];
    await notifyFinish(hook, buildReport("db", "nas", start, end, [ok]), options);
    await notifyFinish(hook, buildReport("db", "nas", start, end, [failed]), options);
    expect(
      received.map((r) => [r.method, r.path, r.headers["content-type"], r.headers.authorization]),
    ).toEqual([
      ["POST", "/hook", "application/json", "Bearer x"],
      ["POST", "/hook", "application/json", "Bearer x"],
    ]);
    const [success, failure] = received.map((r) => JSON.parse(r.body));
    expect(success).toEqual({
      version: 1,
      event: "run.finished",
      job: "db",
      host: "nas",
      status: "ok",
      startedAt: "2026-11-22T03:00:00.000Z",
      finishedAt: "2026-11-22T03:00:05.000Z",
      backups: [
        {
          id: "db-20261122T030000Z-k3f9",
          status: "ok",
          archiveBytes: 1234,
          sha256: "a".repeat(64),
          destinations: [{ name: "disk", status: "ok" }],
        },
      ],
    });
    expect(failure.status).toBe("failed");
    expect(failure.backups[0].destinations[0].error).toEqual({
      code: "DESTINATION_QUOTA",
      message: "disk full at /mnt/backup",
    });
  });

  it("reports a stored backup whose old backups could not be removed as partial, to failure notifiers", async () => {
    const pruneFailed: BackupResult = {
      ...ok,
      destinations: [
        {
          ...ok.destinations[0]!,
          retention: {
            removed: ["db/db-20261101T030000Z-aaaa.zip"],
            bytesFreed: 1000,
            errors: [{ code: "LOCKED", message: "the lease at db/.cairn-lock is held by host web2" }],
            notes: [],
          },
        },
      ],
    };
    const hook = [{ type: "webhook" as const, url: `${base}/hook`, on: ["failure" as const] }];
    const ping = [{ type: "ping" as const, url: `${base}/uuid/` }];
    await notifyFinish(hook, buildReport("db", "nas", start, end, [pruneFailed]), options);
    await notifyFinish(ping, buildReport("db", "nas", start, end, [pruneFailed]), options);
    expect(received.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /hook", "POST /uuid/fail"]);
    const report = JSON.parse(received[0]!.body);
    expect(report.status).toBe("partial");
    expect(report.backups[0].status).toBe("ok");
    expect(report.backups[0].destinations[0].retention).toEqual({
      removed: 1,
      errors: [{ code: "LOCKED", message: "the lease at db/.cairn-lock is held by host web2" }],
    });
    expect(received[1]!.body).toContain("disk: retention: the lease at db/.cairn-lock is held by host web2");
  });

  it("sends only the outcomes a notifier asks for", async () => {
    const hook = [{ type: "webhook" as const, url: `${base}/hook`, on: ["failure" as const] }];
    await notifyFinish(hook, buildReport("db", "nas", start, end, [ok]), options);
    expect(received).toEqual([]);
    await notifyFinish(hook, buildReport("db", "nas", start, end, [failed]), options);
    expect(received).toHaveLength(1);
  });

  it("pings /start, the URL itself on success and /fail on failure, with the reason in the body", async () => {
    const ping = [{ type: "ping" as const, url: `${base}/uuid/` }];
    await notifyStart(ping, options);
    await notifyFinish(ping, buildReport("db", "nas", start, end, [ok]), options);
    await notifyFinish(ping, buildReport("db", "nas", start, end, [failed]), options);
    expect(received.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /uuid/start",
      "POST /uuid",
      "POST /uuid/fail",
    ]);
    expect(received[2]!.body).toContain("disk: disk full at /mnt/backup");
  });

  it("retries a server error and gives up quietly on a client error", async () => {
    failNext = 2;
    await notifyFinish(
      [{ type: "webhook", url: `${base}/hook` }],
      buildReport("db", "nas", start, end, [ok]),
      options,
    );
    expect(received).toHaveLength(3);
    expect(warnings).toEqual([]);

    await notifyFinish(
      [{ type: "webhook", url: `${base}/gone` }],
      buildReport("db", "nas", start, end, [ok]),
      options,
    );
    expect(received.filter((r) => r.path === "/gone")).toHaveLength(1);
    expect(warnings.join("\n")).toMatch(/webhook notification could not be delivered: HTTP 404/);
  });

  it("never throws when the receiver is unreachable, and never logs the secret in a URL", async () => {
    const closed = "http://127.0.0.1:9/s3cret/hook";
    await notifyFinish([{ type: "webhook", url: closed }], buildReport("db", "nas", start, end, [ok]), {
      ...options,
      attempts: 2,
    });
    expect(warnings).toHaveLength(1);
    expect(warnings.join("\n")).not.toContain("s3cret");
  });

  it("runs a command with the report on its environment", async () => {
    const { mkdtemp, readFile, rm } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = await mkdtemp(join(tmpdir(), "cairn-notify-"));
    const out = join(dir, "report.json");
    await notifyFinish(
      [
        {
          type: "command",
          command: `printf '%s' "$CAIRN_REPORT" > '${out}'; echo "$CAIRN_STATUS" >> '${out}.status'`,
        },
      ],
      buildReport("db", "nas", start, end, [failed]),
      options,
    );
    try {
      expect(JSON.parse(await readFile(out, "utf8")).status).toBe("failed");
      expect((await readFile(`${out}.status`, "utf8")).trim()).toBe("failed");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
