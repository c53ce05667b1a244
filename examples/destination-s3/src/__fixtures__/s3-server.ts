import { spawn } from "node:child_process";
import { request as httpRequest, createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tempDir } from "@cairn/testkit";
import S3rver from "s3rver";

export interface TestS3 {
  endpoint: string;
  /** s3rver's folder on disk, to look at what it holds (multipart uploads in progress). */
  directory: string;
  stop(): Promise<void>;
}

/**
 * s3rver in-process, behind a small proxy that adds what s3rver lacks and S3 has since 2024:
 * `If-None-Match: *` on PutObject and CompleteMultipartUpload answered with 412 when the key
 * exists, and `If-Match: <ETag>` on PutObject and DeleteObject answered with 412 when the ETag
 * differs (404 when there is no object).
 */
export async function startTestS3(bucket: string): Promise<TestS3> {
  const dir = await tempDir("cairn-s3rver-");
  const s3 = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: dir.path, configureBuckets: [{ name: bucket }] });
  const { port: s3Port } = (await s3.run()) as AddressInfo;

  const forward = (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => {
    const upstream = httpRequest(
      { host: "127.0.0.1", port: s3Port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  };
  const etagOf = (path: string) =>
    new Promise<string | undefined>((resolve) => {
      const head = httpRequest({ host: "127.0.0.1", port: s3Port, method: "HEAD", path }, (answer) => {
        answer.resume();
        resolve(answer.statusCode === 200 ? String(answer.headers.etag ?? "") : undefined);
      });
      head.on("error", () => resolve(undefined));
      head.end();
    });
  const refuse = (res: import("node:http").ServerResponse, status: number, code: string) => {
    res.writeHead(status, { "content-type": "application/xml" });
    res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>`);
  };
  // S3 checks a precondition and writes as one step; here conditional requests to one key wait
  // their turn, so the check and the forwarded write are one step too.
  const turns = new Map<string, Promise<void>>();
  const inTurn = async (key: string, work: () => Promise<void>) => {
    const before = turns.get(key) ?? Promise.resolve();
    const mine = before.then(work, work);
    turns.set(key, mine.catch(() => {}));
    await mine;
  };

  const proxy: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const writes = (req.method === "PUT" && !url.searchParams.has("uploadId")) || (req.method === "POST" && url.searchParams.has("uploadId"));
    const ifNoneMatch = req.headers["if-none-match"];
    const ifMatch = req.headers["if-match"];
    const conditional = (writes && ifNoneMatch === "*") || ((writes || req.method === "DELETE") && ifMatch !== undefined);
    if (!conditional) return forward(req, res);
    await inTurn(url.pathname, async () => {
      const etag = await etagOf(url.pathname);
      if (ifNoneMatch === "*" && etag !== undefined) {
        req.resume();
        return refuse(res, 412, "PreconditionFailed");
      }
      if (ifMatch !== undefined && etag === undefined) {
        req.resume();
        return refuse(res, 404, "NoSuchKey");
      }
      if (ifMatch !== undefined && ifMatch !== etag) {
        req.resume();
        return refuse(res, 412, "PreconditionFailed");
      }
      await new Promise<void>((resolve) => {
        res.once("finish", resolve);
        res.once("close", resolve);
        forward(req, res);
      });
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    directory: dir.path,
    async stop() {
      await new Promise((resolve) => proxy.close(resolve));
      await s3.close();
      await dir.remove();
    },
  };
}

/**
 * s3rver alone, through its own CLI in a child process, for tests that measure this process's memory:
 * an in-process server would count its own buffers against the destination.
 */
export async function startS3InChildProcess(bucket: string): Promise<TestS3> {
  const dir = await tempDir("cairn-s3rver-");
  const cli = createRequire(import.meta.url).resolve("s3rver/bin/s3rver.js");
  const server = spawn(
    process.execPath,
    ["--openssl-legacy-provider", cli, "-d", dir.path, "-a", "127.0.0.1", "-p", "0", "--configure-bucket", bucket],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const endpoint = await new Promise<string>((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolve(`http://${match[1]}`);
    };
    server.stdout?.on("data", collect);
    server.stderr?.on("data", collect);
    server.once("exit", () => reject(new Error(`s3rver did not start: ${output}`)));
  });
  return {
    endpoint,
    directory: dir.path,
    async stop() {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGTERM");
      await exited;
      await dir.remove();
    },
  };
}
