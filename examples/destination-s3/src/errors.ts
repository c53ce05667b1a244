import { CairnError } from "@cairn/core";

interface S3Failure {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  code?: string;
}

/** S3's error names and HTTP statuses, turned into cairn's codes with the fix. */
export function s3Error(error: unknown, what: string, bucket: string): CairnError {
  if (CairnError.is(error)) return error;
  const failure = error as S3Failure;
  const status = failure.$metadata?.httpStatusCode;
  const name = failure.name ?? failure.code ?? "";
  const message = `cannot ${what} in bucket ${bucket}: ${failure.message ?? name}`;
  if (name === "NoSuchBucket") {
    return new CairnError("DESTINATION_NOT_FOUND", message, {
      cause: error,
      hint: `create the bucket ${bucket} or fix the name`,
    });
  }
  if (
    ["InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "CredentialsProviderError"].includes(name)
  ) {
    return new CairnError("DESTINATION_AUTH", message, {
      cause: error,
      hint: "check accessKeyId and secretAccessKey (or the AWS credentials the SDK finds)",
    });
  }
  if (status === 403 || name === "AccessDenied") {
    return new CairnError("DESTINATION_PERMISSION", message, {
      cause: error,
      hint: "the key needs s3:PutObject, s3:GetObject, s3:ListBucket, s3:DeleteObject and s3:AbortMultipartUpload",
    });
  }
  if (status === 412 || name === "PreconditionFailed") {
    return new CairnError(
      "DESTINATION_CONFLICT",
      `cannot ${what}: the object already exists; cairn never overwrites`,
      { cause: error },
    );
  }
  if (status === 503 || status === 500 || name === "SlowDown") {
    return new CairnError("DESTINATION_UNAVAILABLE", message, { cause: error, retryable: true });
  }
  return new CairnError("DESTINATION_IO", message, { cause: error, retryable: status === undefined });
}
