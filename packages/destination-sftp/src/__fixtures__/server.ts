import { Readable } from "node:stream";
import { type Destination, silentLogger } from "@cairn/core";
import { pluginContext } from "@cairn/testkit";
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
  // Relative paths in options (knownHosts, privateKey files) resolve against the harness's folder.
  return createSftpDestination(optionsFor(server, overrides), pluginContext({ baseDir: server.tempDir, name: "nas" }));
}

export function put(destination: Destination, key: string, data: string | Buffer) {
  return destination.put(key, Readable.from([Buffer.from(data)]), { signal: new AbortController().signal });
}

export async function keysOf(destination: Destination, prefix = ""): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of destination.list(prefix)) keys.push(object.key);
  return keys.sort();
}

export { collect as readAll } from "@cairn/testkit";
