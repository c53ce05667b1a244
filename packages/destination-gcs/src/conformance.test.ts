import { describeDestination, describeExclusiveCreate } from "@cairn/testkit";
import { startGcsEmulator } from "@cairn/testkit/gcs-emulator";
import { emulatedDestination } from "./__fixtures__/emulated.js";
import gcs from "./plugin.js";

// The same suite every destination runs, through the real SDK against the GCS emulator; 1200
// objects cross the API's default listing page of 1000.
describeDestination(
  "gcs",
  async () => {
    const emulator = await startGcsEmulator({ buckets: ["backups"] });
    return { destination: emulatedDestination(emulator), cleanup: () => emulator.stop() };
  },
  { listPageSize: 1200, largeBytes: 32 * 1024 * 1024 },
);

describeExclusiveCreate(
  "gcs",
  async () => {
    const emulator = await startGcsEmulator({ buckets: ["backups"] });
    return { destination: emulatedDestination(emulator), cleanup: () => emulator.stop() };
  },
  { capabilities: gcs.capabilities },
);
