import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pipeline } from "node:stream/promises";
import { ApiError, authError, badRequest, rateLimited, sendApiError, sendJson } from "./api-error.js";
import type { EmulatorState, RouteCall, RouteDefinition, RouteResult } from "./context.js";
import type { FaultPlan } from "./faults.js";
import { readJsonBody, readText } from "./receive-body.js";
import { fileRoutes } from "./routes-files.js";
import { oauthRoutes } from "./routes-oauth.js";
import { uploadRoutes } from "./routes-upload.js";

const ROUTES: Record<string, RouteDefinition> = { ...uploadRoutes, ...fileRoutes, ...oauthRoutes };

export interface CallRecord {
  route: string;
  status: number;
}

/** Routes requests by path: `/2/<route>` for the API hosts, `/oauth2/...` for OAuth. */
export async function listen(
  state: EmulatorState,
  faults: FaultPlan,
  calls: CallRecord[],
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://emulator");
    const route = url.pathname.replace(/^\/2\//, "").replace(/^\//, "");
    const record: CallRecord = { route, status: 0 };
    calls.push(record);
    res.on("finish", () => {
      record.status = res.statusCode;
    });
    res.on("close", () => {
      if (!res.writableFinished) record.status = -1;
    });
    handle(state, faults, route, url, req, res).catch((error: unknown) => {
      if (res.headersSent || (req.socket?.destroyed ?? true)) {
        res.destroy();
        return;
      }
      res.writeHead(500, { "Content-Type": "text/plain" });
      res.end(`emulator failure: ${String(error)}`);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function handle(
  state: EmulatorState,
  faults: FaultPlan,
  route: string,
  url: URL,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const definition = ROUTES[route];
  if (!definition) {
    await drain(req);
    res.writeHead(404, { "Content-Type": "text/plain" });
    res.end(`Unknown API function: "${route}"`);
    return;
  }
  const fault = faults.take(route);
  try {
    if (fault?.kind === "rateLimit") throw rateLimited(fault.reason, fault.retryAfterSeconds);
    if (fault?.kind === "serverError") {
      throw new ApiError(fault.status, "server error", `Internal Server Error (injected ${fault.status})`);
    }
    if (definition.style !== "oauth") checkBearer(state, req, route);
    const call: RouteCall = {
      state,
      req,
      arg: await readArg(definition, req, route),
      params: definition.style === "oauth" ? await readParams(req, url) : url.searchParams,
      fault: fault?.kind === "dropConnection" || fault?.kind === "corrupt" ? fault : undefined,
    };
    const result = await definition.handle(call);
    if (fault?.kind === "dropConnection" && fault.applyBeforeDrop) {
      // The call took effect; only its answer is lost on the way back.
      req.socket?.destroy();
      return;
    }
    await send(res, result);
  } catch (error) {
    if (req.socket?.destroyed ?? true) return;
    if (!(error instanceof ApiError)) throw error;
    await drain(req);
    sendApiError(res, error);
  }
}

function checkBearer(state: EmulatorState, req: IncomingMessage, route: string): void {
  const header = req.headers.authorization;
  if (!header) {
    throw badRequest(
      `Error in call to API function "${route}": Must provide HTTP header "Authorization" or URL parameter "authorization".`,
    );
  }
  const status = state.tokens.checkAccessToken(/^Bearer (.+)$/.exec(header)?.[1]);
  if (status === "expired") throw authError("expired_access_token");
  if (status === "invalid") throw authError("invalid_access_token");
}

async function readArg(definition: RouteDefinition, req: IncomingMessage, route: string) {
  if (definition.style === "rpc") return readJsonBody(req, route);
  if (definition.style === "oauth") return {};
  const header = req.headers["dropbox-api-arg"];
  if (typeof header !== "string") {
    throw badRequest(`Error in call to API function "${route}": Must provide HTTP header "Dropbox-API-Arg".`);
  }
  try {
    return JSON.parse(header) as Record<string, unknown>;
  } catch {
    throw badRequest(
      `Error in call to API function "${route}": HTTP header "Dropbox-API-Arg": could not decode input as JSON`,
    );
  }
}

/** OAuth parameters come in the query string (the SDK's way) or a form body. */
async function readParams(req: IncomingMessage, url: URL): Promise<URLSearchParams> {
  const params = new URLSearchParams(url.searchParams);
  const body = await readText(req);
  if ((req.headers["content-type"] ?? "").includes("application/x-www-form-urlencoded")) {
    for (const [key, value] of new URLSearchParams(body)) params.set(key, value);
  }
  return params;
}

async function send(res: ServerResponse, result: RouteResult): Promise<void> {
  if (result.kind === "json") return sendJson(res, result.value);
  if (result.kind === "html") {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(result.body);
    return;
  }
  res.writeHead(200, {
    "Content-Type": "application/octet-stream",
    "Content-Length": String(result.size),
    "Dropbox-API-Result": JSON.stringify(result.result).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    ),
  });
  await pipeline(result.body, res);
}

/** Reads and drops what is left of a request, so an early answer does not break the client's send. */
async function drain(req: IncomingMessage): Promise<void> {
  if (req.complete || (req.socket?.destroyed ?? true)) return;
  req.resume();
  await new Promise<void>((resolve) => {
    req.once("end", resolve);
    req.once("close", resolve);
  });
}
