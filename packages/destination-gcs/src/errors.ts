import { CairnError, isAbortError, redactCredentials } from "@cairn/core";

/** The fix for missing or rejected credentials, in every auth error. */
export const AUTH_HINT =
  "run `gcloud auth application-default login` on this machine, or set `keyFile` (or `credentials`) to a service account key with access to the bucket";

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNABORTED",
  "ERR_STREAM_PREMATURE_CLOSE",
  "UND_ERR_SOCKET",
]);

interface SdkErrorShape {
  code?: unknown;
  status?: unknown;
  message?: unknown;
  errors?: { reason?: unknown; message?: unknown }[];
  response?: { status?: unknown };
}

/** The HTTP status of an SDK error, when it came from an HTTP answer. */
export function statusOf(error: unknown): number | undefined {
  const e = (error ?? {}) as SdkErrorShape;
  for (const value of [e.code, e.status, e.response?.status]) {
    if (typeof value === "number" && value >= 100 && value < 600) return value;
  }
  return undefined;
}

function reasonOf(error: unknown): string {
  const reason = ((error ?? {}) as SdkErrorShape).errors?.[0]?.reason;
  return typeof reason === "string" ? reason : "";
}

/** A dropped connection or a reset: worth trying again from where we were. */
export function isNetworkError(error: unknown): boolean {
  const e = (error ?? {}) as SdkErrorShape & { cause?: unknown };
  if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return true;
  const message = typeof e.message === "string" ? e.message : "";
  if (/socket hang up|aborted|premature close|terminated|other side closed/i.test(message)) return true;
  return e.cause !== undefined && e.cause !== error && isNetworkError(e.cause);
}

/** The first line of an SDK message, without anything shaped like a credential (core's redactor). */
export function scrub(text: string): string {
  return redactCredentials(text).split("\n")[0]!.slice(0, 300);
}

/**
 * Turns what the SDK threw into a CairnError whose message says what failed and where,
 * and whose hint says what to do. `action` reads like `uploading "db/x.zip" to gs://b/p/`.
 */
export function mapGcsError(error: unknown, action: string, bucket: string): CairnError {
  if (CairnError.is(error)) return error;
  if (isAbortError(error)) return new CairnError("ABORTED", `${action} was cancelled`, { cause: error });
  const status = statusOf(error);
  const reason = reasonOf(error);
  const message = ((error ?? {}) as SdkErrorShape).message;
  // The SDK sometimes rejects with the JSON API's plain error object rather than an Error.
  const raw = typeof message === "string" ? message : String(error);
  const detail = scrub(raw);
  const code = ((error ?? {}) as SdkErrorShape).code;

  if (
    status === 401 ||
    /Could not load the default credentials|invalid_grant|invalid_client|Invalid JWT|unauthorized_client|private key/i.test(
      raw,
    )
  ) {
    return new CairnError(
      "DESTINATION_AUTH",
      `${action} failed: Google Cloud rejected or could not find credentials (${detail})`,
      {
        cause: error,
        hint: AUTH_HINT,
      },
    );
  }
  if (
    (typeof code === "string" && code.startsWith("ERR_OSSL")) ||
    /DECODER routines|PEM routines/.test(raw)
  ) {
    return new CairnError(
      "DESTINATION_AUTH",
      `${action} failed: the service account key's private_key is not a usable key`,
      {
        cause: error,
        hint: `download a fresh JSON key for the service account, or ${AUTH_HINT}`,
      },
    );
  }
  if (code === "ENOENT" && /key|json|credential/i.test(raw)) {
    return new CairnError(
      "DESTINATION_AUTH",
      `${action} failed: the key file could not be read (${detail})`,
      {
        cause: error,
        hint: "check the `keyFile` path (relative paths start at the config file's folder)",
      },
    );
  }
  if (status === 429 || /rateLimitExceeded|quotaExceeded|dailyLimitExceeded/.test(reason)) {
    return new CairnError(
      "DESTINATION_QUOTA",
      `${action} failed: Cloud Storage is rate limiting or a quota is used up (${detail})`,
      {
        cause: error,
        retryable: true,
        hint: "try again later; if it persists, spread jobs out in time or raise the project's quota",
      },
    );
  }
  if (status === 403) {
    const permission = /storage\.[a-zA-Z]+\.[a-zA-Z]+/.exec(raw)?.[0];
    return new CairnError(
      "DESTINATION_PERMISSION",
      `${action} failed: permission denied${permission ? ` (missing ${permission})` : ""}: ${detail}`,
      {
        cause: error,
        hint: permission
          ? `grant the account \`${permission}\` on gs://${bucket} (see docs/destinations/gcs.md for the least-privilege role)`
          : `give the account object create, get, list and delete rights on gs://${bucket} (see docs/destinations/gcs.md)`,
      },
    );
  }
  if (status === 404) {
    if (/bucket does not exist/i.test(raw)) return bucketNotFound(bucket, error);
    return new CairnError("NOT_FOUND", `${action} failed: no such object`, { cause: error });
  }
  if (status === 412) {
    return new CairnError(
      "DESTINATION_CONFLICT",
      `${action} failed: an object with that name already exists`,
      {
        cause: error,
        hint: "cairn never overwrites a backup; this name is taken by another upload",
      },
    );
  }
  if ((status !== undefined && status >= 500) || status === 408 || isNetworkError(error)) {
    return new CairnError(
      "DESTINATION_UNAVAILABLE",
      `${action} failed: Cloud Storage did not answer properly (${detail})`,
      {
        cause: error,
        retryable: true,
        hint: "check the network; cairn already retried with backoff (`maxRetries`)",
      },
    );
  }
  return new CairnError("DESTINATION_IO", `${action} failed: ${detail}`, { cause: error });
}

export function bucketNotFound(bucket: string, cause?: unknown): CairnError {
  return new CairnError("DESTINATION_NOT_FOUND", `the bucket gs://${bucket} does not exist`, {
    cause,
    hint: `create it (\`gcloud storage buckets create gs://${bucket}\`) or fix \`bucket\` in the config`,
  });
}
