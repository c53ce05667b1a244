import { randomBytes } from "node:crypto";
import { silentLogger } from "@cairn/core";
import { type SshdServer, startSshd } from "@cairn/testkit/sshd";
import { type CipherAlgorithm, Client, type MacAlgorithm, type SFTPWrapper } from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { optionsFor } from "./__fixtures__/server.js";
import { SftpConnection } from "./connection.js";
import { openSftp } from "./open-sftp.js";
import { keepPacketKeysAsKeyObjects } from "./packet-keys.js";
import { readFile } from "./sftp-calls.js";

let server: SshdServer;
beforeAll(async () => {
  // New keys after every MiB, as a server set up with RekeyLimit does.
  server = await startSshd({ rekeyLimit: "1M" });
});
afterAll(async () => {
  await server?.stop();
});

const writeFile = (sftp: SFTPWrapper, path: string, data: Buffer) =>
  new Promise<void>((resolve, reject) =>
    sftp.writeFile(path, data, (error) => (error ? reject(error) : resolve())),
  );

/** The kind of every key ssh2's current packet ciphers hold: "secret" for a KeyObject, "buffer" for raw bytes. */
function keyKinds(ssh: Client): string[] {
  const protocol = (ssh as unknown as { _protocol: Record<"_cipher" | "_decipher", Record<string, unknown>> })
    ._protocol;
  return [protocol._cipher, protocol._decipher].flatMap((cipher) =>
    Object.entries(cipher)
      .filter(([field]) => /Key/.test(field))
      .map(([, key]) => (Buffer.isBuffer(key) ? "buffer" : ((key as { type?: string }).type ?? typeof key))),
  );
}

describe("packet cipher keys", () => {
  it("stay KeyObjects through the server's rekeys, and the data arrives intact", async () => {
    const connection = new SftpConnection(optionsFor(server), server.tempDir, silentLogger);
    try {
      const session = await connection.session();
      expect(keyKinds(session.ssh).length).toBeGreaterThan(0);
      expect(new Set(keyKinds(session.ssh))).toEqual(new Set(["secret"]));
      let handshakes = 0;
      session.ssh.on("handshake", () => {
        handshakes += 1;
      });

      const data = randomBytes(4 * 1024 * 1024 + 17);
      const path = `${server.dataDir}/rekeyed.bin`;
      await writeFile(session.sftp, path, data);
      expect(Buffer.compare(await readFile(session.sftp, path), data)).toBe(0);

      expect(handshakes).toBeGreaterThanOrEqual(2);
      expect(new Set(keyKinds(session.ssh))).toEqual(new Set(["secret"]));
    } finally {
      await connection.close();
    }
  });

  // Servers without AES-GCM get ChaCha20-Poly1305 or a CTR cipher with an HMAC, whose keys sit elsewhere.
  const families: { name: string; cipher: CipherAlgorithm; hmac?: MacAlgorithm }[] = [
    { name: "ChaCha20-Poly1305", cipher: "chacha20-poly1305@openssh.com" },
    { name: "AES-128-CTR and HMAC-SHA-256", cipher: "aes128-ctr", hmac: "hmac-sha2-256-etm@openssh.com" },
    { name: "AES-256-CTR and HMAC-SHA-512", cipher: "aes256-ctr", hmac: "hmac-sha2-512" },
  ];
  it.each(families)("work with $name through rekeys", async ({ cipher, hmac }) => {
    const ssh = new Client();
    try {
      const sftp = await openSftp(ssh, {
        host: server.host,
        port: server.port,
        username: server.username,
        privateKey: server.clientKey.privateKey,
        algorithms: { cipher: [cipher], ...(hmac ? { hmac: [hmac] } : {}) },
      });
      keepPacketKeysAsKeyObjects(ssh);
      const data = randomBytes(3 * 1024 * 1024 + 5);
      const path = `${server.dataDir}/${cipher}.bin`;
      await writeFile(sftp, path, data);
      expect(Buffer.compare(await readFile(sftp, path), data)).toBe(0);
      expect(new Set(keyKinds(ssh))).toEqual(new Set(["secret"]));
    } finally {
      ssh.end();
    }
  });
});
