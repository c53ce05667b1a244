import { execFile, spawn } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { type SshdServer, startSshd } from "@cairn/testkit/sshd";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { destinationFor, keysOf } from "./__fixtures__/server.js";

const run = promisify(execFile);

let server: SshdServer;
beforeAll(async () => {
  server = await startSshd({ passwordAuthentication: true });
});
afterAll(async () => {
  await server?.stop();
});

describe("logging in", () => {
  it("refuses a key the server does not know with DESTINATION_AUTH", async () => {
    const stranger = await server.generateKey();
    const destination = await destinationFor(server, { privateKey: stranger.privateKeyPath });
    await expect(keysOf(destination)).rejects.toMatchObject({ code: "DESTINATION_AUTH" });
    await destination.close();
  });

  it("logs in with a password, and a wrong one gives DESTINATION_AUTH without the password in the message", async () => {
    const good = await destinationFor(server, { privateKey: undefined, password: server.password });
    expect(await keysOf(good)).toEqual([]);
    await good.close();

    const wrong = "not-the-Password-42";
    const bad = await destinationFor(server, { privateKey: undefined, password: wrong });
    const error = await keysOf(bad).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "DESTINATION_AUTH" });
    expect(
      JSON.stringify({ message: (error as Error).message, hint: (error as { hint?: string }).hint }),
    ).not.toContain(wrong);
    await bad.close();
  });

  it("uses an encrypted private key with its passphrase, given as a file path", async () => {
    const encrypted = await server.generateKey({ passphrase: "correct horse", authorize: true });
    const destination = await destinationFor(server, {
      privateKey: encrypted.privateKeyPath,
      passphrase: "correct horse",
    });
    expect(await keysOf(destination)).toEqual([]);
    await destination.close();
  });

  it("authenticates through ssh-agent", async () => {
    const socket = join(server.tempDir, "agent.sock");
    const agent = spawn("ssh-agent", ["-D", "-a", socket], { stdio: "ignore" });
    try {
      await waitFor(
        async () =>
          (await run("ssh-add", ["-l"], { env: { SSH_AUTH_SOCK: socket } }).catch((e) => e)).code !== 2,
      );
      await run("ssh-add", [server.clientKey.privateKeyPath], { env: { SSH_AUTH_SOCK: socket } });
      const destination = await destinationFor(server, { privateKey: undefined, agent: socket });
      expect(await keysOf(destination)).toEqual([]);
      await destination.close();
    } finally {
      agent.kill();
    }
  });
});

async function waitFor(ready: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("ssh-agent did not start");
}
