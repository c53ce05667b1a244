import { Socket } from "node:net";
import { silentLogger } from "@cairn/core";
import { type SshdServer, startSshd } from "@cairn/testkit/sshd";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { optionsFor } from "./__fixtures__/server.js";
import { receiveWindowKeeper, sendWindowOf } from "./channel-window.js";
import { SftpConnection } from "./connection.js";
import { KEY_FIELDS } from "./packet-keys.js";
import { hasExtension } from "./sftp-calls.js";
import { requestSize } from "./upload.js";

/**
 * SFTP's speed rests on fields ssh2 keeps but does not document; each speed-up leaves things
 * alone where a field is missing, so an upgrade that moves one would only make cairn slower,
 * silently. These checks read each field on a real connection to OpenSSH: an ssh2 that moved
 * one fails here, and package.json pins ssh2 to the version they pass with.
 */
let server: SshdServer;
let connection: SftpConnection;
beforeAll(async () => {
  server = await startSshd();
  connection = new SftpConnection(optionsFor(server), server.tempDir, silentLogger);
});
afterAll(async () => {
  await connection?.close();
  await server?.stop();
});

const fields = (value: unknown) => value as Record<string, unknown>;

describe("the ssh2 internals cairn relies on", () => {
  it("Client._sock: the TCP socket whose writes are coalesced", async () => {
    const { ssh } = await connection.session();
    expect(fields(ssh)._sock).toBeInstanceOf(Socket);
  });

  it("Client._protocol._cipher and _decipher: the packet keys, held as KeyObjects", async () => {
    const { ssh } = await connection.session();
    const protocol = fields(fields(ssh)._protocol);
    for (const side of ["_cipher", "_decipher"]) {
      const cipher = fields(protocol[side]);
      const keys = KEY_FIELDS.filter((field) => cipher[field] !== undefined);
      expect(keys.length, `${side} has one of ${KEY_FIELDS.join(", ")}`).toBeGreaterThan(0);
      for (const key of keys) expect((cipher[key] as { type?: unknown }).type).toBe("secret");
    }
  });

  it("the SFTP channel's windows and the protocol's channelWindowAdjust", async () => {
    const { sftp, sendWindow } = await connection.session();
    const channel = fields(sftp);
    expect(typeof fields(channel.outgoing).id).toBe("number");
    expect(sendWindow).toBeGreaterThan(0);
    expect(sendWindowOf(sftp)).toBeGreaterThan(0);
    const incoming = fields(channel.incoming);
    expect(typeof incoming.window).toBe("number");
    expect(typeof fields(channel._protocol).channelWindowAdjust).toBe("function");
    // The keeper really opens the window, which it only does with every field in place.
    const before = incoming.window as number;
    receiveWindowKeeper(sftp, before + 1024 * 1024)();
    expect(incoming.window).toBe(before + 1024 * 1024);
  });

  it("SFTPWrapper._extensions: the OpenSSH extensions the server announced", async () => {
    const { sftp } = await connection.session();
    expect(typeof fields(sftp)._extensions).toBe("object");
    expect(hasExtension(sftp, "posix-rename@openssh.com")).toBe(true);
    expect(hasExtension(sftp, "statvfs@openssh.com")).toBe(true);
  });

  it("SFTPWrapper._maxReadLen and _maxWriteLen: the request sizes OpenSSH allows", async () => {
    const { sftp } = await connection.session();
    expect(fields(sftp)._maxReadLen).toBeGreaterThanOrEqual(128 * 1024);
    expect(fields(sftp)._maxWriteLen).toBeGreaterThanOrEqual(128 * 1024);
    expect(requestSize(sftp, "read")).toBe(128 * 1024);
    expect(requestSize(sftp, "write")).toBe(128 * 1024);
  });
});
