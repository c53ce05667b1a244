import { CairnError, toDestinationError } from "@cairn/core";

interface S3Failure {
  name?: string;
  message?: string;
  code?: string;
}

const AUTH_NAMES = [
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "CredentialsProviderError",
];

/**
 * S3's own error names, turned into cairn's codes with the fix; statuses and network failures
 * every service shares are core's to classify.
 */
export function s3Error(error: unknown, what: string, bucket: string): CairnError {
  if (CairnError.is(error)) return error;
  const failure = (error ?? {}) as S3Failure;
  const name = failure.name ?? failure.code ?? "";
  const message = `cannot ${what} in bucket ${bucket}: ${failure.message ?? name}`;
  if (name === "NoSuchBucket") {
    return new CairnError("DESTINATION_NOT_FOUND", message, {
      cause: error,
      hint: `create the bucket ${bucket} or fix the name`,
    });
  }
  if (AUTH_NAMES.includes(name)) {
    return new CairnError("DESTINATION_AUTH", message, {
      cause: error,
      hint: "check accessKeyId and secretAccessKey (or the AWS credentials the SDK finds)",
    });
  }
  if (name === "PreconditionFailed") {
    return new CairnError(
      "DESTINATION_CONFLICT",
      `cannot ${what}: the object already exists; cairn never overwrites`,
      {
        cause: error,
      },
    );
  }
  // S3 asks to slow down with 503 SlowDown: rate limiting, not an outage.
  if (name === "SlowDown") return toDestinationError(error, message, { status: 429 });
  return toDestinationError(error, message, {
    hints: {
      DESTINATION_PERMISSION:
        "the key needs s3:PutObject, s3:GetObject, s3:ListBucket, s3:DeleteObject and s3:AbortMultipartUpload",
    },
  });
}
