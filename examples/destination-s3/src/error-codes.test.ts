import { S3ServiceException } from "@aws-sdk/client-s3";
import { pickFreePort } from "@cairn/testkit/sshd";
import { describe, expect, it } from "vitest";
import { s3Error } from "./errors.js";
import plugin from "./index.js";
import { createS3Destination } from "./s3-destination.js";

const answer = (name: string, status: number) =>
  new S3ServiceException({
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
  });

// The conditions every destination shares get core's codes here too (docs/writing-a-destination.md#errors).
describe("S3 errors in cairn's one vocabulary", () => {
  it("maps S3's names and statuses: SlowDown is rate limiting, 5xx unavailable, 403 permission", () => {
    expect(s3Error(answer("SlowDown", 503), "upload x", "b")).toMatchObject({
      code: "DESTINATION_RATE_LIMITED",
      retryable: true,
    });
    expect(s3Error(answer("InternalError", 500), "upload x", "b")).toMatchObject({
      code: "DESTINATION_UNAVAILABLE",
      retryable: true,
    });
    const denied = s3Error(answer("AccessDenied", 403), "upload x", "b");
    expect([denied.code, denied.hint]).toEqual([
      "DESTINATION_PERMISSION",
      expect.stringContaining("s3:PutObject"),
    ]);
    expect(denied.cause).toBeInstanceOf(S3ServiceException);
  });

  it("gives DESTINATION_UNAVAILABLE (retryable) for a refused connection", async () => {
    const dest = createS3Destination(
      plugin.options.parse({
        bucket: "backups",
        endpoint: `http://127.0.0.1:${await pickFreePort()}`,
        forcePathStyle: true,
        accessKeyId: "k",
        secretAccessKey: "s",
      }),
    );
    const error = await (async () => {
      for await (const _ of dest.list("db/"));
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "DESTINATION_UNAVAILABLE", retryable: true });
    await dest.close();
  });
});
