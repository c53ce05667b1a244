import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { CairnError, expandHome } from "@cairn/core";
import type { ConnectConfig } from "ssh2";
import type { HostKeyGuard } from "./host-key.js";
import type { SftpOptions } from "./options.js";

/** A path from the options: `~` is the home folder, a relative one starts at the config's folder. */
export function optionPath(path: string, baseDir: string): string {
  return resolve(baseDir, expandHome(path));
}

/** ssh2's connect options from the destination's: timeouts, keepalives, host key check, credentials. */
export async function connectConfig(
  o: SftpOptions,
  baseDir: string,
  guard: HostKeyGuard,
): Promise<ConnectConfig> {
  const config: ConnectConfig = {
    host: o.host,
    port: o.port,
    username: o.username,
    readyTimeout: o.timeoutSeconds * 1000,
    keepaliveInterval: o.keepaliveSeconds * 1000,
    // Give up on a silent server after about timeoutSeconds.
    keepaliveCountMax: Math.max(1, Math.ceil(o.timeoutSeconds / o.keepaliveSeconds)),
    hostVerifier: guard.verify,
  };
  if (o.privateKey !== undefined) config.privateKey = await privateKeyText(o.privateKey, baseDir);
  if (o.passphrase !== undefined) config.passphrase = o.passphrase;
  if (o.password !== undefined) config.password = o.password;
  if (o.agent !== undefined && o.agent !== false) {
    const socket = o.agent === true ? process.env.SSH_AUTH_SOCK : o.agent;
    if (!socket) {
      throw new CairnError("CONFIG_INVALID", "sftp: agent is true but SSH_AUTH_SOCK is not set", {
        hint: "start ssh-agent and add the key (ssh-add), or give the agent's socket path as agent",
      });
    }
    config.agent = socket;
  }
  return config;
}

/** privateKey holds the key itself (from `${file:...}` or `${env:...}`) or the path of the key file. */
async function privateKeyText(value: string, baseDir: string): Promise<string> {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----|^PuTTY-User-Key-File/m.test(value)) return value;
  const path = optionPath(value, baseDir);
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new CairnError("CONFIG_INVALID", `sftp: cannot read the private key file ${path}`, {
      cause: error,
      hint: 'give the key\'s path, or its text with privateKey: "${file:~/.ssh/id_ed25519}"',
    });
  }
}
