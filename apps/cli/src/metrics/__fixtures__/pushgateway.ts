import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One pushed sample: metric name, its labels (with the grouping key's applied) and value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface TestPushgateway {
  url: string;
  /** Pushed groups by their grouping key (`job=db,instance=web1`). */
  groups: Map<string, { key: Record<string, string>; samples: Sample[]; pushedAt: number }>;
  requests: { method: string; path: string; status: number }[];
  stop(): Promise<void>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+(\S+))?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/gy;

/**
 * A small server speaking the Pushgateway's push API as its README describes it:
 * `/metrics/job/<JOB>{/<LABEL>/<VALUE>}` (a name suffixed `@base64` takes a base64url value),
 * PUT replacing the group, POST replacing the group's metrics of the pushed names, DELETE
 * removing it (202), the grouping key overriding labels in the body, pushes with timestamps or
 * malformed lines refused with 400, and GET /metrics exposing it all with push_time_seconds.
 */
export async function startTestPushgateway(): Promise<TestPushgateway> {
  const groups: TestPushgateway["groups"] = new Map();
  const requests: TestPushgateway["requests"] = [];
  const server: Server = createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const answer = (status: number, body = "") => {
      requests.push({ method: req.method ?? "", path, status });
      res.writeHead(status, { "content-type": "text/plain" }).end(body);
    };
    if (req.method === "GET" && path === "/metrics") return answer(200, expose(groups));
    const key = groupingKey(path);
    if (!key) return answer(404, "not a push path\n");
    const id = Object.entries(key).map(([k, v]) => `${k}=${v}`).join(",");
    if (req.method === "DELETE") {
      groups.delete(id);
      return answer(202);
    }
    if (req.method !== "PUT" && req.method !== "POST") return answer(405);
    let samples: Sample[];
    try {
      samples = parse(await bodyOf(req), key);
    } catch (error) {
      return answer(400, `${(error as Error).message}\n`);
    }
    const kept =
      req.method === "POST"
        ? (groups.get(id)?.samples ?? []).filter((s) => !samples.some((n) => n.name === s.name))
        : [];
    groups.set(id, { key, samples: [...kept, ...samples], pushedAt: Date.now() / 1000 });
    return answer(200);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    groups,
    requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function groupingKey(path: string): Record<string, string> | undefined {
  const parts = path.split("/").slice(1);
  if (parts[0] !== "metrics" || parts.length < 3 || parts.length % 2 !== 1) return undefined;
  const key: Record<string, string> = {};
  for (let i = 1; i < parts.length; i += 2) {
    const raw = parts[i]!;
    const value = decodeURIComponent(parts[i + 1]!);
    if (raw.endsWith("@base64")) key[raw.slice(0, -7)] = value === "=" ? "" : Buffer.from(value, "base64url").toString();
    else key[raw] = value;
  }
  if (Object.keys(key)[0] !== "job" || !key.job) return undefined;
  return key;
}

function parse(text: string, key: Record<string, string>): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const m = SAMPLE.exec(line.trim());
    if (!m) throw new Error(`text format parsing error: ${line}`);
    if (m[4] !== undefined) throw new Error(`pushed metrics are invalid or inconsistent with existing metrics: ${m[1]} has a timestamp`);
    const labels: Record<string, string> = {};
    LABEL.lastIndex = 0;
    const inner = m[2] ?? "";
    for (let l = LABEL.exec(inner); l; l = LABEL.exec(inner)) labels[l[1]!] = l[2]!;
    const value = Number(m[3]);
    if (Number.isNaN(value) && m[3] !== "NaN") throw new Error(`text format parsing error: bad value in ${line}`);
    samples.push({ name: m[1]!, labels: { ...labels, ...key }, value });
  }
  return samples;
}

function expose(groups: TestPushgateway["groups"]): string {
  const lines: string[] = [];
  const labelText = (labels: Record<string, string>) =>
    `{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(",")}}`;
  for (const group of groups.values()) {
    for (const s of group.samples) lines.push(`${s.name}${labelText(s.labels)} ${s.value}`);
    lines.push(`push_time_seconds${labelText(group.key)} ${group.pushedAt}`);
  }
  return `${lines.join("\n")}\n`;
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
