import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { appendFile, chmod, chown, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pickFreePort } from "./free-port.js";
import { generateKey, type KeyOptions, type KeyPair } from "./keys.js";
import { descendantsOf } from "./process-tree.js";
import { renderSshdConfig, type SshdConfigInput } from "./sshd-config.js";
import { ensureTestUser, type TestUser } from "./test-user.js";

const SSHD_BINARY = "/usr/sbin/sshd";

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

class SshdRunner {
  port = 0;
  private child: ChildProcess | undefined;

  constructor(
    private readonly dir: string,
    private readonly hostKey: KeyPair,
    private readonly authorizedKeysPath: string,
    private readonly user: TestUser,
    private readonly settings: Pick<
      SshdConfigInput,
      "passwordAuthentication" | "rekeyLimit" | "deniedSftpRequests"
    >,
    private readonly startTimeoutMs = 10_000,
  ) {}

  /** Starts sshd; without a fixed port it picks a free one and retries if another process takes it first. */
  async start(fixedPort?: number): Promise<void> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = fixedPort ?? (await pickFreePort());
      try {
        await this.launch(port);
        this.port = port;
        return;
      } catch (error) {
        lastError = error;
        if (!String((error as Error).message).includes("Address already in use")) break;
        // A fixed port may still be held by a dying sshd for a moment.
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    throw lastError;
  }

  private async launch(port: number): Promise<void> {
    const configPath = join(this.dir, "sshd_config");
    await writeFile(
      configPath,
      renderSshdConfig({
        port,
        hostKeyPath: this.hostKey.privateKeyPath,
        authorizedKeysPath: this.authorizedKeysPath,
        pidFile: join(this.dir, "sshd.pid"),
        username: this.user.name,
        ...this.settings,
      }),
    );
    const child = spawn(SSHD_BINARY, ["-D", "-e", "-f", configPath], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<never>((_, reject) => {
      child.once("error", reject);
      child.once("exit", (code, signal) =>
        reject(new Error(`sshd exited during start (code ${code}, signal ${signal}): ${stderr.trim()}`)),
      );
    });
    exited.catch(() => undefined);
    try {
      await Promise.race([waitForPort(port, this.startTimeoutMs), exited]);
    } catch (error) {
      child.kill("SIGKILL");
      throw error;
    }
    this.child = child;
  }

  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child?.pid || child.exitCode !== null) return;
    const sessions = await descendantsOf(child.pid);
    const gone = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    for (const pid of sessions) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    await gone;
  }
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`sshd did not accept connections on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
