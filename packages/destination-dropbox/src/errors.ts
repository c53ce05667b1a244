import { CairnError } from "@cairn/core";

/** What the SDK throws for an HTTP error: `DropboxResponseError` (status, headers, parsed body). */
export interface DropboxHttpError {
  status: number;
  headers?: { get?(name: string): string | null } | Record<string, string>;
  error?: unknown;
}

export function isHttpError(error: unknown): error is DropboxHttpError {
  return (
    typeof error === "object" && error !== null && typeof (error as { status?: unknown }).status === "number"
  );
}

/** The `error_summary` of an API error (`path/not_found/..`), or "" for other errors. */
export function errorSummary(error: unknown): string {
  if (!isHttpError(error)) return "";
  const body = error.error as { error_summary?: unknown } | undefined;
  return typeof body?.error_summary === "string" ? body.error_summary : "";
}

/** The OAuth error of a token request (`invalid_grant`), or undefined. */
export function oauthError(error: unknown): string | undefined {
  if (!isHttpError(error) || error.status !== 400) return undefined;
  const body = error.error as { error?: unknown } | undefined;
  return typeof body?.error === "string" ? body.error : undefined;
}

export function header(error: DropboxHttpError, name: string): string | undefined {
  const headers = error.headers;
  if (!headers) return undefined;
  if (typeof headers.get === "function") return headers.get(name) ?? undefined;
  return (headers as Record<string, string>)[name.toLowerCase()];
}

/** A dropped connection, a reset, a DNS failure: the request may be tried again. */
export function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error) || isHttpError(error)) return false;
  if (error.name === "AbortError" || error.name === "TimeoutError") return false;
  return (
    error instanceof TypeError ||
    /socket|ECONN|EPIPE|ETIMEDOUT|EAI_AGAIN|terminated/i.test(String(error.cause ?? error.message))
  );
}

export function reauthHint(appKey: string): string {
  return `run \`cairn auth dropbox --app-key ${appKey}\` again and put the new refresh token in the config`;
}

/**
 * Turns an SDK or network error into a CairnError. `what` says what cairn was doing
 * (`uploading "db/x.zip"`). Only tags from the server go into the message, never a token.
 */
export function toCairnError(
  error: unknown,
  what: string,
  ctx: { name: string; appKey: string },
): CairnError {
  if (CairnError.is(error)) return error;
  const where = `Dropbox destination "${ctx.name}"`;
  const oauth = oauthError(error);
  if (oauth === "invalid_grant") {
    return new CairnError(
      "DESTINATION_AUTH",
      `${where}: Dropbox refused the refresh token while ${what}: it was revoked or has expired`,
      {
        hint: reauthHint(ctx.appKey),
      },
    );
  }
  if (oauth !== undefined) {
    return new CairnError(
      "DESTINATION_AUTH",
      `${where}: Dropbox refused the app's credentials (${oauth}) while ${what}`,
      {
        hint: `check appKey (and appSecret, if the app has one); then ${reauthHint(ctx.appKey)}`,
      },
    );
  }
  const summary = errorSummary(error).replace(/\/\.+$/, "");
  if (isHttpError(error)) {
    const status = error.status;
    if (status === 401 && summary.startsWith("missing_scope")) {
      return new CairnError(
        "DESTINATION_PERMISSION",
        `${where}: the app lacks a permission while ${what} (${summary})`,
        {
          hint: "give the app files.content.write and files.content.read in the App Console, then run `cairn auth dropbox` again",
        },
      );
    }
    if (status === 401) {
      return new CairnError(
        "DESTINATION_AUTH",
        `${where}: Dropbox refused the access token while ${what} (${summary || status})`,
        {
          hint: reauthHint(ctx.appKey),
        },
      );
    }
    if (summary.includes("insufficient_space")) {
      return new CairnError("DESTINATION_QUOTA", `${where}: the Dropbox account is full while ${what}`, {
        hint: "free space in the account (or set retention's minFreeSpace), or move to a larger plan",
      });
    }
    if (/(^|\/)not_found/.test(summary)) {
      return new CairnError("NOT_FOUND", `${where}: nothing found while ${what} (${summary})`);
    }
    if (summary.includes("conflict")) {
      return new CairnError(
        "DESTINATION_CONFLICT",
        `${where}: something already exists there while ${what} (${summary})`,
        {
          hint: "cairn never overwrites a backup; remove the object in the way if it is not a backup",
        },
      );
    }
    if (
      /no_write_permission|access_denied|restricted|team_folder|access_restricted/.test(summary) ||
      status === 403
    ) {
      return new CairnError(
        "DESTINATION_PERMISSION",
        `${where}: Dropbox does not allow ${what} (${summary || status})`,
        {
          hint: "check the folder in `path` is inside what the app may access",
        },
      );
    }
    if (status === 429 || status >= 500) {
      return new CairnError(
        "DESTINATION_UNAVAILABLE",
        `${where}: Dropbox kept failing (HTTP ${status}) while ${what}`,
        {
          cause: error,
          retryable: true,
          hint: "Dropbox is rate-limiting or unavailable; the next run will try again",
        },
      );
    }
    return new CairnError(
      "DESTINATION_IO",
      `${where}: Dropbox refused ${what} (HTTP ${status}${summary ? `, ${summary}` : ""})`,
      {
        cause: error,
      },
    );
  }
  if (error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError")) {
    return new CairnError("ABORTED", `${where}: ${what} was cancelled`, { cause: error });
  }
  if (isNetworkError(error)) {
    return new CairnError("DESTINATION_UNAVAILABLE", `${where}: could not reach Dropbox while ${what}`, {
      cause: error,
      retryable: true,
      hint: "check the network connection; the next run will try again",
    });
  }
  return new CairnError(
    "DESTINATION_IO",
    `${where}: ${what} failed: ${error instanceof Error ? error.message : String(error)}`,
    {
      cause: error,
    },
  );
}
