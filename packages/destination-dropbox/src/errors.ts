import { CairnError, type ErrorCode, toDestinationError } from "@cairn/core";

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

export function reauthHint(appKey: string): string {
  return `run \`cairn auth dropbox --app-key ${appKey}\` again and put the new refresh token in the config`;
}

/**
 * Turns an SDK or network error into a CairnError. `what` says what cairn was doing
 * (`uploading "db/x.zip"`). Only tags from the server go into the message, never a token.
 * Dropbox's own error tags come first; the statuses and network failures every service shares
 * go to core's classifier.
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
      { cause: error, hint: reauthHint(ctx.appKey) },
    );
  }
  if (oauth !== undefined) {
    return new CairnError(
      "DESTINATION_AUTH",
      `${where}: Dropbox refused the app's credentials (${oauth}) while ${what}`,
      {
        cause: error,
        hint: `check appKey (and appSecret, if the app has one); then ${reauthHint(ctx.appKey)}`,
      },
    );
  }
  if (!isHttpError(error)) {
    if (error instanceof Error && error.name === "TimeoutError") {
      return new CairnError("ABORTED", `${where}: ${what} was cancelled`, { cause: error });
    }
    const detail = error instanceof Error ? error.message : String(error);
    return toDestinationError(error, `${where}: ${what} failed: ${detail}`, {
      hints: { DESTINATION_UNAVAILABLE: "check the network connection; the next run will try again" },
    });
  }
  const status = error.status;
  const summary = errorSummary(error).replace(/\/\.+$/, "");
  const known = (code: ErrorCode, message: string, hint?: string) =>
    new CairnError(code, `${where}: ${message}`, { cause: error, ...(hint ? { hint } : {}) });
  if (status === 401 && summary.startsWith("missing_scope")) {
    return known(
      "DESTINATION_PERMISSION",
      `the app lacks a permission while ${what} (${summary})`,
      "give the app files.content.write and files.content.read in the App Console, then run `cairn auth dropbox` again",
    );
  }
  if (status === 401) {
    return known(
      "DESTINATION_AUTH",
      `Dropbox refused the access token while ${what} (${summary || status})`,
      reauthHint(ctx.appKey),
    );
  }
  if (summary.includes("insufficient_space")) {
    return known(
      "DESTINATION_QUOTA",
      `the Dropbox account is full while ${what}`,
      "free space in the account (or set retention's minFreeSpace), or move to a larger plan",
    );
  }
  if (/(^|\/)not_found/.test(summary)) return known("NOT_FOUND", `nothing found while ${what} (${summary})`);
  if (summary.includes("conflict")) {
    return known(
      "DESTINATION_CONFLICT",
      `something already exists there while ${what} (${summary})`,
      "cairn never overwrites a backup; remove the object in the way if it is not a backup",
    );
  }
  if (/no_write_permission|access_denied|restricted|team_folder|access_restricted/.test(summary)) {
    return known("DESTINATION_PERMISSION", `Dropbox does not allow ${what} (${summary})`, PATH_HINT);
  }
  // Dropbox answers every other route error with 409: that says nothing shared about it.
  if (status === 409) return known("DESTINATION_IO", `Dropbox refused ${what} (${summary || "HTTP 409"})`);
  return toDestinationError(
    error,
    `${where}: Dropbox failed ${what} (HTTP ${status}${summary ? `, ${summary}` : ""})`,
    {
      status,
      hints: {
        DESTINATION_PERMISSION: PATH_HINT,
        DESTINATION_UNAVAILABLE: "Dropbox is unavailable; the next run will try again",
        DESTINATION_RATE_LIMITED: "Dropbox is rate-limiting this app; the next run will try again",
      },
    },
  );
}

const PATH_HINT = "check the folder in `path` is inside what the app may access";
