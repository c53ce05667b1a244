import { describeDestination } from "@cairn/testkit";
import * as vitest from "vitest";
import { startTestS3 } from "./__fixtures__/s3-server.js";
import plugin from "./index.js";

// The suite every built-in destination runs, against s3rver, with listing pages of 5 keys.
describeDestination(
  plugin,
  {
    setup: async () => {
      const s3 = await startTestS3("backups");
      return {
        options: {
          bucket: "backups",
          prefix: "cairn",
          endpoint: s3.endpoint,
          forcePathStyle: true,
          accessKeyId: "S3RVER",
          secretAccessKey: "S3RVER",
          partSizeMiB: 5,
          queueSize: 2,
          listPageSize: 5,
        },
        cleanup: () => s3.stop(),
      };
    },
    listPageSize: 5,
    label: "s3 (s3rver)",
    largeBytes: 48 * 1024 * 1024,
    timeoutMs: 120_000,
  },
  vitest,
);
