import { silentLogger } from "@cairn/core";
import { describeDestination, describeExclusiveCreate } from "@cairn/testkit";
import { emulatedAccount } from "./__fixtures__/emulated.js";
import { createDropboxDestination } from "./destination.js";
import { dropboxOptions } from "./options.js";
import dropbox from "./plugin.js";

// The shared suite, through the real dropbox SDK against the emulator. 2001 objects cross
// one list_folder page (the destination asks for 2000 entries per page).
describeDestination(
  "dropbox (emulator)",
  async () => {
    const account = await emulatedAccount();
    return { destination: account.destination(), cleanup: () => account.emu.close() };
  },
  { listPageSize: 2001 },
);

describeExclusiveCreate(
  "dropbox (emulator)",
  async () => {
    const account = await emulatedAccount();
    return { destination: account.destination(), cleanup: () => account.emu.close() };
  },
  { capabilities: dropbox.capabilities },
);

// And against Dropbox itself when a linked app is given (real-service.test.ts says when it is skipped).
const refreshToken = process.env.CAIRN_TEST_DROPBOX_REFRESH_TOKEN;
const appKey = process.env.CAIRN_TEST_DROPBOX_APP_KEY;
if (refreshToken && appKey) {
  describeDestination(
    "dropbox (real service)",
    () => ({
      destination: createDropboxDestination(
        dropboxOptions.parse({ appKey, refreshToken, path: `/cairn-conformance-${Date.now()}` }),
        { name: "real", logger: silentLogger },
      ),
    }),
    { largeBytes: 16 * 1024 * 1024, timeoutMs: 180_000 },
  );
}
