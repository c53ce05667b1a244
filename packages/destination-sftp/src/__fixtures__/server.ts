import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { Readable } from "node:stream";
import { type Destination, silentLogger } from "@cairn/core";
import type { SshdServer } from "@cairn/testkit/sshd";
import { createSftpDestination } from "../destination.js";
import { type SftpOptions, sftpOptions } from "../options.js";

/** Options that reach the harness's sshd with its client key and pinned host key. */
export function optionsFor(server: SshdServer, overrides: Partial<Record<keyof SftpOptions, unknown>> = {}): SftpOptions {
  return sftpOptions.parse({
    host: server.host,
    port: server.port,
    username: server.username,
    path: `${server.dataDir}/backups`,
    privateKey: server.clientKey.privateKey,
    hostKey: server.hostKeyFingerprint,
    timeoutSeconds: 5,
    ...overrides,
  });
}

export async function destinationFor(server: SshdServer, overrides: Partial<Record<keyof SftpOptions, unknown>> = {}): Promise<Destination> {
  const baseDir = await mkdtemp(`${tmpdir()}/cairn-sftp-base-`);
  return createSftpDestination(optionsFor(server, overrides), { logger: silentLogger, baseDir, name: "nas" });
}

export function put(destination: Destination, key: string, data: string | Buffer) {
  return destination.put(key, Readable.from([Buffer.from(data)]), { signal: new AbortController().signal });
}

export async function keysOf(destination: Destination, prefix = ""): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of destination.list(prefix)) keys.push(object.key);
  return keys.sort();
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
