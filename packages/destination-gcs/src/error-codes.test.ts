import { startGcsEmulator } from "@cairn/testkit/gcs-emulator";
import { pickFreePort } from "@cairn/testkit/sshd";
import { describe, expect, it } from "vitest";
import { emulatedDestination } from "./__fixtures__/emulated.js";

const listing = async (dest: ReturnType<typeof emulatedDestination>) => {
  for await (const _ of dest.list("db/"));
};

// The conditions every destination shares get core's codes here too (docs/writing-a-destination.md#errors).
describe("GCS errors in cairn's one vocabulary", () => {
  it("gives DESTINATION_RATE_LIMITED for 429, DESTINATION_PERMISSION for 403, keeping the cause", async () => {
    const emulator = await startGcsEmulator({ buckets: ["backups"] });
    try {
      const dest = emulatedDestination(emulator, { maxRetries: 0 });
      emulator.faults.fail({ status: 429, kind: "list", count: 5 });
      const limited = await listing(dest).catch((e: unknown) => e);
      expect(limited).toMatchObject({ code: "DESTINATION_RATE_LIMITED", retryable: true });
      expect((limited as Error).cause).toBeDefined();
      emulator.faults.clear();
      emulator.faults.fail({
        status: 403,
        kind: "list",
        count: 5,
        message: "no storage.objects.list access",
      });
      const denied = await listing(dest).catch((e: unknown) => e);
      expect(denied).toMatchObject({ code: "DESTINATION_PERMISSION", retryable: false });
    } finally {
      await emulator.stop();
    }
  });

  it("gives DESTINATION_UNAVAILABLE (retryable) for a refused connection", async () => {
    const closed = { url: `http://127.0.0.1:${await pickFreePort()}` } as Parameters<
      typeof emulatedDestination
    >[0];
    const error = await listing(emulatedDestination(closed, { maxRetries: 0 })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "DESTINATION_UNAVAILABLE", retryable: true });
  });
});
