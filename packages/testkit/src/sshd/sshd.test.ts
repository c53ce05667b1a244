import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SshdServer, startSshd } from "./index.js";

const run = promisify(execFile);

describe("sshd harness", () => {
  let server: SshdServer;
  beforeAll(async () => {
    server = await startSshd();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("serves SFTP to OpenSSH's client with the client key, under the pinned host key", async () => {
    const knownHosts = join(server.tempDir, "known_hosts");
    await writeFile(knownHosts, `${server.knownHostsLine}\n`);
    await writeFile(join(server.tempDir, "hello.txt"), "hello over sftp\n");
    const batch = `put ${join(server.tempDir, "hello.txt")} ${server.dataDir}/hello.txt\n`;
    const child = run("sftp", [
      "-b",
      "-",
      "-i",
      server.clientKey.privateKeyPath,
      "-o",
      `UserKnownHostsFile=${knownHosts}`,
      "-o",
      "StrictHostKeyChecking=yes",
      "-o",
      "IdentitiesOnly=yes",
      "-P",
      String(server.port),
      `${server.username}@127.0.0.1`,
    ]);
    child.child.stdin?.end(batch);
    await child;
    expect(await readFile(join(server.dataDir, "hello.txt"), "utf8")).toBe("hello over sftp\n");
  });

  it("prints the host key fingerprint the way ssh-keygen does", async () => {
    const { stdout } = await run("ssh-keygen", [
      "-l",
      "-E",
      "sha256",
      "-f",
      join(server.tempDir, "host_ed25519.pub"),
    ]);
    expect(stdout).toContain(server.hostKeyFingerprint);
  });

  it("stops listening after kill() and listens again on the same port after restart()", async () => {
    const port = server.port;
    await server.kill();
    await expect(canConnect(port)).resolves.toBe(false);
    await server.restart();
    expect(server.port).toBe(port);
    await expect(canConnect(port)).resolves.toBe(true);
  });
});

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
