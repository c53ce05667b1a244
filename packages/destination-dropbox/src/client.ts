import type { Logger } from "@cairn/core";
import { Dropbox, DropboxAuth, type DropboxRequestOptions, type DropboxResponse } from "dropbox";
import { errorSummary, isHttpError, toCairnError } from "./errors.js";
import type { DropboxOptions } from "./options.js";
import { type RetryPolicy, withRetries } from "./retry.js";

const DROPBOX_HOSTS = /^https:\/\/((api|content|www)\.)?dropbox(api)?\.com\//;
export const CONTENT_URL = "https://content.dropboxapi.com/2/";

/** A fetch that sends every Dropbox host to `baseUrl` (an emulator), or the global fetch. */
export function fetchFor(baseUrl: string | undefined): typeof globalThis.fetch {
  if (baseUrl === undefined) return globalThis.fetch.bind(globalThis);
  const base = baseUrl.replace(/\/+$/, "");
  return (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    return globalThis.fetch(url.replace(DROPBOX_HOSTS, `${base}/`), init);
  };
}

/** The SDK plus cairn's retry layer (the SDK retries nothing) and error mapping. */
export class DropboxClient {
  readonly sdk: Dropbox;
  private readonly auth: DropboxAuth;
  readonly fetch: typeof globalThis.fetch;
  private readonly policy: RetryPolicy;

  constructor(
    private readonly options: DropboxOptions,
    private readonly ctx: { name: string; logger: Logger },
  ) {
    this.fetch = fetchFor(options.apiBaseUrl);
    // The auth object needs the same fetch, or token refreshes would go to the real host.
    this.auth = new DropboxAuth({
      clientId: options.appKey,
      clientSecret: options.appSecret,
      refreshToken: options.refreshToken,
      fetch: this.fetch,
    });
    this.sdk = new Dropbox({ auth: this.auth, fetch: this.fetch });
    this.policy = { maxRetries: options.maxRetries, maxDelay: options.maxRetryDelay, baseDelay: 250 };
  }

  /**
   * Calls the API with retries; rejects with the SDK's error when it fails for good, so the
   * caller can read the route error (`errorSummary`) before mapping it with `fail`.
   */
  async raw<T>(
    what: string,
    call: (request: DropboxRequestOptions) => Promise<DropboxResponse<T>>,
    signal?: AbortSignal,
    onRetry?: (error: unknown) => void,
  ): Promise<T> {
    const response = await withRetries(() => call(signal ? { signal } : {}), this.policy, {
      signal,
      refresh: () => this.refresh(),
      onRetry: (error, delay) => {
        onRetry?.(error);
        this.ctx.logger.debug(`dropbox: retrying ${what} in ${Math.round(delay)} ms`, {
          destination: this.ctx.name,
          status: isHttpError(error) ? error.status : "network",
          error: errorSummary(error) || undefined,
        });
      },
    });
    return response.result;
  }

  /** Like `raw`, with failures already turned into CairnErrors. */
  async call<T>(
    what: string,
    call: (request: DropboxRequestOptions) => Promise<DropboxResponse<T>>,
    signal?: AbortSignal,
  ): Promise<T> {
    try {
      return await this.raw(what, call, signal);
    } catch (error) {
      throw this.fail(error, what);
    }
  }

  fail(error: unknown, what: string) {
    return toCairnError(error, what, { name: this.ctx.name, appKey: this.options.appKey });
  }

  /** A valid access token, refreshed first when it is about to expire. */
  async accessToken(): Promise<string> {
    await this.auth.checkAndRefreshAccessToken();
    return this.auth.getAccessToken();
  }

  /** Forces a new access token: the server said the current one expired. */
  async refresh(): Promise<void> {
    await this.auth.refreshAccessToken();
  }
}
