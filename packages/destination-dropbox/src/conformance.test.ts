import { describeDestination } from "@cairn/testkit";
import * as vitest from "vitest";
import { APP_KEY, emulatedAccount } from "./__fixtures__/emulated.js";
import dropbox from "./plugin.js";

// The shared suite, through the real dropbox SDK against the emulator, with list_folder pages of
// 5 entries so crossing them costs 11 uploads.
describeDestination(
  dropbox,
  {
    setup: async () => {
      const account = await emulatedAccount();
      return {
        options: {
          appKey: APP_KEY,
          refreshToken: account.refreshToken,
          path: "/backups",
          apiBaseUrl: account.emu.url,
          maxRetryDelay: 200,
          listPageSize: 5,
        },
        cleanup: () => account.emu.close(),
      };
    },
    listPageSize: 5,
    label: "dropbox (emulator)",
  },
  vitest,
);

// And against Dropbox itself when a linked app is given (real-service.test.ts says when it is skipped).
const refreshToken = process.env.CAIRN_TEST_DROPBOX_REFRESH_TOKEN;
const appKey = process.env.CAIRN_TEST_DROPBOX_APP_KEY;
if (refreshToken && appKey) {
  describeDestination(
    dropbox,
    {
      setup: () => ({
        options: { appKey, refreshToken, path: `/cairn-conformance-${Date.now()}`, listPageSize: 5 },
      }),
      listPageSize: 5,
      label: "dropbox (real service)",
      largeBytes: 16 * 1024 * 1024,
      timeoutMs: 180_000,
    },
    vitest,
  );
}
