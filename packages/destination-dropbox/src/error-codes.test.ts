import { pickFreePort } from "@cairn/testkit/sshd";
import { afterEach, describe, expect, it } from "vitest";
import { collect, type EmulatedAccount, emulatedAccount } from "./__fixtures__/emulated.js";

// The conditions every destination shares get core's codes here too (docs/writing-a-destination.md#errors).
describe("Dropbox errors in cairn's one vocabulary", () => {
  let account: EmulatedAccount;
  afterEach(async () => {
    await account?.emu.close();
  });

  it("gives DESTINATION_RATE_LIMITED (retryable) when Dropbox keeps answering 429", async () => {
    account = await emulatedAccount();
    account.emu.faults.rateLimit("files/list_folder", { times: 5, retryAfterSeconds: 0 });
    const error = await collect(account.destination({ maxRetries: 0 }).list("db/")).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "DESTINATION_RATE_LIMITED", retryable: true });
    expect((error as Error).cause).toMatchObject({ status: 429 });
  });

  it("gives DESTINATION_UNAVAILABLE (retryable) for a 5xx and for a refused connection, keeping the cause", async () => {
    account = await emulatedAccount();
    account.emu.faults.serverError("files/list_folder", { times: 5, status: 503 });
    const busy = await collect(account.destination({ maxRetries: 0 }).list("db/")).catch((e: unknown) => e);
    expect(busy).toMatchObject({ code: "DESTINATION_UNAVAILABLE", retryable: true });

    const closed = `http://127.0.0.1:${await pickFreePort()}`;
    const refused = await collect(
      account.destination({ maxRetries: 0, apiBaseUrl: closed }).list("db/"),
    ).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "DESTINATION_UNAVAILABLE", retryable: true });
    expect((refused as Error).cause).toBeInstanceOf(Error);
  });
});
