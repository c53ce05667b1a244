import { CairnError, httpStatusOf, isAbortError, redactCredentials, toDestinationError } from "@cairn/core";

/** The fix for missing or rejected credentials, in every auth error. */
export const AUTH_HINT =
  "run `gcloud auth application-default login` on this machine, or set `keyFile` (or `credentials`) to a service account key with access to the bucket";

interface SdkErrorShape {
  code?: unknown;
  message?: unknown;
  errors?: { reason?: unknown; message?: unknown }[];
}

function reasonOf(error: unknown): string {
  const reason = ((error ?? {}) as SdkErrorShape).errors?.[0]?.reason;
  return typeof reason === "string" ? reason : "";
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
  const status = httpStatusOf(error);
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
      { cause: error, hint: AUTH_HINT },
    );
  }
  if (
    (typeof code === "string" && code.startsWith("ERR_OSSL")) ||
    /DECODER routines|PEM routines/.test(raw)
  ) {
    return new CairnError(
      "DESTINATION_AUTH",
      `${action} failed: the service account key's private_key is not a usable key`,
      { cause: error, hint: `download a fresh JSON key for the service account, or ${AUTH_HINT}` },
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
  // Cloud Storage says "slow down" with 403 and these reasons as well as with 429.
  if (/rateLimitExceeded|quotaExceeded|dailyLimitExceeded/.test(reason)) {
    return toDestinationError(error, `${action} failed: Cloud Storage is rate limiting (${detail})`, {
      status: 429,
    });
  }
  if (status === 404 && /bucket does not exist/i.test(raw)) return bucketNotFound(bucket, error);
  if (status === 404)
    return new CairnError("NOT_FOUND", `${action} failed: no such object`, { cause: error });
  // ifGenerationMatch: 0 did not hold: the name exists.
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
  const permission = /storage\.[a-zA-Z]+\.[a-zA-Z]+/.exec(raw)?.[0];
  return toDestinationError(error, `${action} failed: ${detail}`, {
    status,
    hints: {
      DESTINATION_PERMISSION: permission
        ? `grant the account \`${permission}\` on gs://${bucket} (see docs/destinations/gcs.md for the least-privilege role)`
        : `give the account object create, get, list and delete rights on gs://${bucket} (see docs/destinations/gcs.md)`,
      DESTINATION_UNAVAILABLE: "check the network; cairn already retried with backoff (`maxRetries`)",
    },
  });
}

export function bucketNotFound(bucket: string, cause?: unknown): CairnError {
  return new CairnError("DESTINATION_NOT_FOUND", `the bucket gs://${bucket} does not exist`, {
    cause,
    hint: `create it (\`gcloud storage buckets create gs://${bucket}\`) or fix \`bucket\` in the config`,
  });
}
