import { describeDestination } from "@cairn/testkit";
import { startGcsEmulator } from "@cairn/testkit/gcs-emulator";
import * as vitest from "vitest";
import gcs from "./plugin.js";

// The same suite every destination runs, through the real SDK against the GCS emulator, with
// listing pages of 5 objects so crossing them costs 11 uploads.
describeDestination(
  gcs,
  {
    setup: async () => {
      const emulator = await startGcsEmulator({ buckets: ["backups"] });
      return {
        options: {
          bucket: "backups",
          prefix: "cairn",
          apiEndpoint: emulator.url,
          projectId: "test",
          chunkSize: 256 * 1024,
          listPageSize: 5,
        },
        cleanup: () => emulator.stop(),
      };
    },
    listPageSize: 5,
    largeBytes: 32 * 1024 * 1024,
  },
  vitest,
);
