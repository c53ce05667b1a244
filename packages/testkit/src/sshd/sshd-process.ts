import { type ChildProcess, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import { pickFreePort } from "./free-port.js";
import type { KeyPair } from "./keys.js";
import { descendantsOf } from "./process-tree.js";
import { renderSshdConfig, type SshdConfigInput } from "./sshd-config.js";
import type { TestUser } from "./test-user.js";

export const SSHD_BINARY = "/usr/sbin/sshd";

/**
 * One sshd process at a time in the foreground: started on a free port (or the same one again),
 * ready once it accepts connections, and killed with every session it forked.
 */
export class SshdRunner {
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
