import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type SshdServer, startSshd } from "@cairn/testkit/sshd";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { destinationFor, keysOf } from "./__fixtures__/server.js";

let server: SshdServer;
beforeAll(async () => {
  server = await startSshd();
});
afterAll(async () => {
  await server?.stop();
});

const OTHER_FINGERPRINT = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

describe("host key checking", () => {
  it("accepts the pinned fingerprint", async () => {
    const destination = await destinationFor(server);
    expect(await keysOf(destination)).toEqual([]);
    await destination.close();
  });

  it("refuses an unknown key and prints its fingerprint and the config line to add", async () => {
    const emptyKnownHosts = join(server.tempDir, "empty_known_hosts");
    await writeFile(emptyKnownHosts, "");
    const destination = await destinationFor(server, { hostKey: undefined, knownHosts: emptyKnownHosts });
    const error = await keysOf(destination).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "DESTINATION_AUTH" });
    expect((error as Error).message).toContain(server.hostKeyFingerprint);
    expect((error as { hint?: string }).hint).toContain(`hostKey: "${server.hostKeyFingerprint}"`);
    await destination.close();
  });

  it("refuses loudly when the key differs from the pinned fingerprint", async () => {
    const destination = await destinationFor(server, { hostKey: OTHER_FINGERPRINT });
    const error = await keysOf(destination).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "DESTINATION_AUTH" });
    expect((error as Error).message).toMatch(/HOST KEY CHANGED/);
    expect((error as Error).message).toContain(OTHER_FINGERPRINT);
    expect((error as Error).message).toContain(server.hostKeyFingerprint);
    await destination.close();
  });

  it("accepts a key listed in a known_hosts file", async () => {
    const knownHosts = join(server.tempDir, "known_hosts");
    await writeFile(
      knownHosts,
      `# comment\nother.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFake\n${server.knownHostsLine}\n`,
    );
    const destination = await destinationFor(server, { hostKey: undefined, knownHosts });
    expect(await keysOf(destination)).toEqual([]);
    await destination.close();
  });

  it("refuses a known_hosts entry for this host with another key of the same type", async () => {
    const other = await server.generateKey();
    const [type, blob] = other.publicKey.split(/\s+/);
    const knownHosts = join(server.tempDir, "stale_known_hosts");
    await writeFile(knownHosts, `[127.0.0.1]:${server.port} ${type} ${blob}\n`);
    const destination = await destinationFor(server, { hostKey: undefined, knownHosts });
    await expect(keysOf(destination)).rejects.toMatchObject({
      code: "DESTINATION_AUTH",
      message: expect.stringMatching(/HOST KEY CHANGED/),
    });
    await destination.close();
  });
});
