import { existsSync } from "node:fs";
import { appendFile, chmod, chown, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKey, type KeyOptions, type KeyPair } from "./keys.js";
import { SSHD_BINARY, SshdRunner } from "./sshd-process.js";
import { ensureTestUser } from "./test-user.js";

export interface SshdOptions {
  /** Allow password authentication for the test user (needs root to set its password). */
  passwordAuthentication?: boolean;
  /** sshd's RekeyLimit, e.g. "1M": new keys after that much data, as some servers are set up. */
  rekeyLimit?: string;
  /** Requests the SFTP server refuses though it announces them (internal-sftp's `-P`), e.g. `["statvfs"]`. */
  deniedSftpRequests?: string[];
  /** How long to wait for sshd to accept connections; 10 s by default. */
  startTimeoutMs?: number;
}

export interface SshdServer {
  host: "127.0.0.1";
  port: number;
  username: string;
  /** The test user's password when password authentication is on. */
  password: string | undefined;
  /** The key pair whose public half is authorized for `username`. */
  clientKey: KeyPair;
  /** The server's host key fingerprint, `SHA256:...`. */
  hostKeyFingerprint: string;
  /** A known_hosts line for this server (`[127.0.0.1]:port ssh-ed25519 AAAA...`). */
  knownHostsLine: string;
  /** A folder the test user owns: point destinations below it. */
  dataDir: string;
  /** A scratch folder for the test's own files (known_hosts, extra keys); removed by stop(). */
  tempDir: string;
  /** A new key pair; `authorize` adds it to authorized_keys. */
  generateKey(options?: KeyOptions & { authorize?: boolean }): Promise<KeyPair>;
  /** SIGKILL sshd and every session it forked: a server crash or a cable pulled. */
  kill(): Promise<void>;
  /** Start sshd again on the same port with the same keys (after kill()). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts Debian's OpenSSH sshd on 127.0.0.1 with throw-away keys and its own config.
 * A missing sshd is an error, never a skip: tests that need it must not pass silently.
 */
export async function startSshd(options: SshdOptions = {}): Promise<SshdServer> {
  if (!existsSync(SSHD_BINARY)) {
    throw new Error(`${SSHD_BINARY} not found: run \`apt-get install openssh-server openssh-client\``);
  }
  const user = await ensureTestUser();
  const tempDir = await mkdtemp(join(tmpdir(), "cairn-sshd-"));
  // mkdtemp makes 0700; the unprivileged test user must reach its keys and data below it.
  await chmod(tempDir, 0o755);
  await mkdir("/run/sshd", { recursive: true }).catch(() => undefined);
  const dataDir = join(tempDir, "data");
  await mkdir(dataDir);
  await chown(dataDir, user.uid, user.gid);

  const [hostKey, clientKey] = await Promise.all([
    generateKey(join(tempDir, "host_ed25519"), { comment: "cairn-test-host" }),
    generateKey(join(tempDir, "client_ed25519")),
  ]);
  const authorizedKeysPath = join(tempDir, "authorized_keys");
  await writeFile(authorizedKeysPath, `${clientKey.publicKey}\n`, { mode: 0o644 });

  const usePassword = options.passwordAuthentication === true;
  if (usePassword && user.password === undefined) {
    throw new Error(
      "password authentication needs the harness to run as root (it sets the test user's password)",
    );
  }
  const runner = new SshdRunner(
    tempDir,
    hostKey,
    authorizedKeysPath,
    user,
    {
      passwordAuthentication: usePassword,
      rekeyLimit: options.rekeyLimit,
      deniedSftpRequests: options.deniedSftpRequests,
    },
    options.startTimeoutMs,
  );
  try {
    await runner.start();
  } catch (error) {
    await rm(tempDir, { recursive: true, force: true });
    throw error;
  }

  let extraKeys = 0;
  return {
    host: "127.0.0.1",
    get port() {
      return runner.port;
    },
    username: user.name,
    password: usePassword ? user.password : undefined,
    clientKey,
    hostKeyFingerprint: hostKey.fingerprint,
    get knownHostsLine() {
      const [type, blob] = hostKey.publicKey.split(/\s+/);
      return `[127.0.0.1]:${runner.port} ${type} ${blob}`;
    },
    dataDir,
    tempDir,
    async generateKey(keyOptions = {}) {
      extraKeys += 1;
      const pair = await generateKey(join(tempDir, `extra_${extraKeys}`), keyOptions);
      await chmod(pair.privateKeyPath, 0o600);
      if (keyOptions.authorize) await appendFile(authorizedKeysPath, `${pair.publicKey}\n`);
      return pair;
    },
    kill: () => runner.kill(),
    restart: () => runner.start(runner.port),
    async stop() {
      await runner.kill();
      await rm(tempDir, { recursive: true, force: true });
    },
  };
}
