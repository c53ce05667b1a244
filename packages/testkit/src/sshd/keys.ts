import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface KeyPair {
  /** Path of the private key file (OpenSSH format). */
  privateKeyPath: string;
  /** The private key's text, as `${file:...}` would put it in a config. */
  privateKey: string;
  /** The `type base64 comment` line of the public key. */
  publicKey: string;
  /** `SHA256:...` exactly as `ssh-keygen -l` and ssh's prompts print it. */
  fingerprint: string;
}

export interface KeyOptions {
  /** Encrypts the private key with this passphrase; none by default. */
  passphrase?: string;
  comment?: string;
}

/** Generates an ed25519 key with OpenSSH's own ssh-keygen, so the files are what users have. */
export async function generateKey(path: string, options: KeyOptions = {}): Promise<KeyPair> {
  try {
    await run("ssh-keygen", [
      "-q",
      "-t",
      "ed25519",
      "-N",
      options.passphrase ?? "",
      "-C",
      options.comment ?? "cairn-test",
      "-f",
      path,
    ]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new Error("ssh-keygen is not installed: run `apt-get install openssh-client`", { cause: error });
    }
    throw error;
  }
  const [privateKey, publicKey] = await Promise.all([
    readFile(path, "utf8"),
    readFile(`${path}.pub`, "utf8"),
  ]);
  return {
    privateKeyPath: path,
    privateKey,
    publicKey: publicKey.trim(),
    fingerprint: fingerprintOf(publicKey),
  };
}

/** SHA-256 of the key blob, base64 without padding: OpenSSH's fingerprint format. */
export function fingerprintOf(publicKeyLine: string): string {
  const blob = publicKeyLine.trim().split(/\s+/)[1];
  if (!blob) throw new Error(`not an OpenSSH public key line: ${publicKeyLine}`);
  const digest = createHash("sha256").update(Buffer.from(blob, "base64")).digest("base64");
  return `SHA256:${digest.replace(/=+$/, "")}`;
}
