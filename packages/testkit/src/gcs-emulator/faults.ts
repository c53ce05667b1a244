import type { IncomingMessage } from "node:http";

/** Which requests a fault applies to. */
export type RequestKind = "upload" | "download" | "metadata" | "list" | "delete" | "bucket" | "any";

export interface FailOptions {
  /** HTTP status to answer with, e.g. 503, 429, 403. */
  status: number;
  /** How many matching requests fail; default 1. */
  count?: number;
  /** Matching requests let through before the first failure; default 0 (fail the next one). */
  skip?: number;
  /** Which requests count; default "any". */
  kind?: RequestKind;
  /** The JSON error message, e.g. one naming a missing permission. */
  message?: string;
}

interface PendingFailure {
  status: number;
  remaining: number;
  skip: number;
  kind: RequestKind;
  message: string | undefined;
}

interface PendingCut {
  afterBytes: number;
  remaining: number;
}

/**
 * Faults on demand, so tests can prove retries and resumption against real protocol
 * behaviour: failed requests, connections cut mid-transfer, required credentials.
 */
export class FaultControls {
  private failures: PendingFailure[] = [];
  private downloadCuts: PendingCut[] = [];
  private uploadCuts: PendingCut[] = [];
  /** When set, every request must carry `Authorization: Bearer <token>` or gets 401. */
  requiredToken: string | undefined;
  /** Requests seen, by kind: tests assert that a retry really happened. */
  readonly counts: Record<RequestKind, number> = {
    upload: 0,
    download: 0,
    metadata: 0,
    list: 0,
    delete: 0,
    bucket: 0,
    any: 0,
  };

  /** Answers the next matching request(s) with an error status. */
  fail(options: FailOptions): void {
    this.failures.push({
      status: options.status,
      remaining: options.count ?? 1,
      skip: options.skip ?? 0,
      kind: options.kind ?? "any",
      message: options.message,
    });
  }

  /** Closes the connection of the next media download(s) after `afterBytes` bytes of the body. */
  cutDownload(afterBytes: number, count = 1): void {
    this.downloadCuts.push({ afterBytes, remaining: count });
  }

  /** Closes the connection of the next upload request(s) with a body after `afterBytes` bytes were received. */
  cutUpload(afterBytes: number, count = 1): void {
    this.uploadCuts.push({ afterBytes, remaining: count });
  }

  requireToken(token: string | undefined): void {
    this.requiredToken = token;
  }

  /** Forgets every pending fault (not the counts). */
  clear(): void {
    this.failures = [];
    this.downloadCuts = [];
    this.uploadCuts = [];
    this.requiredToken = undefined;
  }

  isAuthorized(req: IncomingMessage): boolean {
    return this.requiredToken === undefined || req.headers.authorization === `Bearer ${this.requiredToken}`;
  }

  /** Records the request and returns the failure to answer it with, if one is due. */
  take(kind: RequestKind): { status: number; message: string | undefined } | undefined {
    this.counts[kind] += 1;
    this.counts.any += 1;
    const failure = this.failures.find((f) => f.kind === "any" || f.kind === kind);
    if (!failure) return undefined;
    if (failure.skip > 0) {
      failure.skip -= 1;
      return undefined;
    }
    failure.remaining -= 1;
    if (failure.remaining <= 0) this.failures.splice(this.failures.indexOf(failure), 1);
    return { status: failure.status, message: failure.message };
  }

  takeDownloadCut(): number | undefined {
    return takeCut(this.downloadCuts);
  }

  takeUploadCut(): number | undefined {
    return takeCut(this.uploadCuts);
  }
}

function takeCut(cuts: PendingCut[]): number | undefined {
  const cut = cuts[0];
  if (!cut) return undefined;
  cut.remaining -= 1;
  if (cut.remaining <= 0) cuts.shift();
  return cut.afterBytes;
}
