import { PassThrough, Readable } from "node:stream";
import { startDropboxEmulator } from "@cairn/testkit/dropbox-emulator";
import { afterEach, describe, expect, it } from "vitest";
import { collect, signal } from "./__fixtures__/emulated.js";
import { dropboxAuthFlow } from "./auth-flow.js";
import { createDropboxDestination } from "./destination.js";
import { dropboxOptions } from "./options.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** Plays the person: reads the printed URL, "clicks Allow" on the emulator's page, types the code. */
function person(emuFetch: typeof fetch, codeOverride?: string) {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = "";
  output.on("data", async (chunk: Buffer) => {
    printed += chunk.toString();
    const url = /https:\/\/\S+\/oauth2\/authorize\S*/.exec(printed)?.[0];
    if (url && printed.includes("Paste the code here") && !input.writableEnded) {
      const page = await (await emuFetch(url)).text();
      input.end(`${codeOverride ?? /value="([^"]+)"/.exec(page)?.[1]}\n`);
    }
  });
  return { input, output, printed: () => printed };
}

describe("cairn auth dropbox (PKCE code flow)", () => {
  it("prints the URL, exchanges the code for a refresh token that works, and prints the config lines", async () => {
    const emu = await startDropboxEmulator();
    closers.push(() => emu.close());
    emu.addApp("key123");
    const you = person(emu.fetch);
    const result = await dropboxAuthFlow({
      appKey: "key123",
      input: you.input,
      output: you.output,
      apiBaseUrl: emu.url,
    });

    expect(you.printed()).toContain("dropbox.com/oauth2/authorize?response_type=code&client_id=key123");
    expect(you.printed()).toMatch(/token_access_type=offline.*code_challenge_method=S256/);
    expect(you.printed()).toContain(result.refreshToken);
    expect(result.configLines).toContain("type: dropbox");
    expect(result.configLines).toContain("appKey: key123");

    const dest = createDropboxDestination(
      dropboxOptions.parse({
        appKey: "key123",
        refreshToken: result.refreshToken,
        path: "/b",
        apiBaseUrl: emu.url,
      }),
      { name: "offsite", logger: { debug() {}, info() {}, warn() {}, error() {} } },
    );
    await dest.put("j/x.zip", Readable.from([Buffer.from("linked")]), { signal: signal() });
    expect(await collect(dest.list("j/"))).toHaveLength(1);
  });

  it("says the code was not accepted when it is wrong", async () => {
    const emu = await startDropboxEmulator();
    closers.push(() => emu.close());
    emu.addApp("key123");
    const you = person(emu.fetch, "not-a-code");
    await expect(
      dropboxAuthFlow({ appKey: "key123", input: you.input, output: you.output, apiBaseUrl: emu.url }),
    ).rejects.toMatchObject({
      code: "DESTINATION_AUTH",
      message: expect.stringMatching(/did not accept the code/),
    });
  });
});
