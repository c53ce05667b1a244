import { readFile } from "node:fs/promises";
import type { Socket } from "node:net";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { CairnError, type Logger } from "@cairn/core";
import { Client, type ConnectConfig, type SFTPWrapper } from "ssh2";
import { sendWindowOf } from "./channel-window.js";
import { isConnectionError, mapConnectError } from "./errors.js";
import { HostKeyGuard } from "./host-key.js";
import { endConnection, openSftp } from "./open-sftp.js";
import type { SftpOptions } from "./options.js";
import { keepPacketKeysAsKeyObjects } from "./packet-keys.js";

/** One SSH connection with its SFTP channel. */
export interface Session {
  /** The raw SFTP channel, for pipelined writes and the OpenSSH extensions. */
  sftp: SFTPWrapper;
  /** The SSH connection itself, for exec (remote checksums). */
  ssh: Client;
  closed: boolean;
  /** The SFTP channel's send window the server granted, in bytes, where ssh2 shows it. */
  sendWindow: number | undefined;
  /**
   * Settles when the connection drops. ssh2 does not always answer requests still in
   * flight when the socket dies, so long waits race against this.
   */
  lost: Promise<Error>;
}

/** What ssh2 keeps but its types do not show: the TCP socket it writes every packet to. */
interface ClientInternals {
  _sock: Socket;
}

/**
 * ssh2 hands each encrypted SSH packet (at most 32 KiB of data, the server's limit) to the
 * socket in three writes: length, ciphertext and MAC tag. Without Nagle each write is a
 * syscall and a TCP segment of its own, for us and for sshd reading them. Corking the
 * socket until the current tick ends sends what the tick queued with one writev instead:
 * cairn makes ~4,700 write calls for an upload of 256 MiB instead of ~42,000.
 */
export function coalesceWrites(socket: Socket): void {
  const write = socket.write;
  socket.write = function (this: Socket, ...args: Parameters<Socket["write"]>) {
    if (!this.writableCorked) {
      this.cork();
      process.nextTick(() => this.uncork());
    }
    return write.apply(this, args);
  } as Socket["write"];
}

/**
 * Opens the connection on first use, notices when it drops, and opens a new one for the
 * next call. Calls that are safe to repeat get one retry on a fresh connection.
 */
export class SftpConnection {
  private current: Promise<Session> | undefined;
  private live: Session | undefined;
  private readonly where: string;

  constructor(
    private readonly options: SftpOptions,
    private readonly baseDir: string,
    private readonly logger: Logger,
  ) {
    this.where = `${options.host}:${options.port}`;
  }

  session(): Promise<Session> {
    // A connection the server or the network closed is replaced, not reused.
    if (this.live?.closed) {
      this.current = undefined;
      this.live = undefined;
    }
    if (!this.current) {
      const opening = this.open();
      this.current = opening;
      opening.then(
        (session) => {
          if (this.current === opening) this.live = session;
        },
        () => {
          if (this.current === opening) this.current = undefined;
        },
      );
    }
    return this.current;
  }

  /** Runs `action` on a live session; a dropped connection is reopened and the action repeated once when `retry`. */
  async run<T>(action: (session: Session) => Promise<T>, retry: boolean): Promise<T> {
    const session = await this.session();
    try {
      return await action(session);
    } catch (error) {
      if (!isConnectionError(error)) throw error;
      this.forget(session);
      if (!retry) throw error;
      this.logger.warn("sftp: connection lost, reconnecting once", { host: this.where });
      return action(await this.session());
    }
  }

  async close(): Promise<void> {
    const opening = this.current;
    this.current = undefined;
    this.live = undefined;
    if (!opening) return;
    const session = await opening.catch(() => undefined);
    if (session && !session.closed) {
      session.closed = true;
      await endConnection(session.ssh, session.lost);
    }
  }

  private forget(session: Session): void {
    session.closed = true;
    void endConnection(session.ssh, session.lost);
    if (this.live === session) {
      this.current = undefined;
      this.live = undefined;
    }
  }

  private async open(): Promise<Session> {
    const guard = new HostKeyGuard({
      host: this.options.host,
      port: this.options.port,
      pinned: typeof this.options.hostKey === "string" ? [this.options.hostKey] : this.options.hostKey,
      knownHostsPath: this.expand(this.options.knownHosts ?? "~/.ssh/known_hosts"),
    });
    const ssh = new Client();
    let sftp: SFTPWrapper;
    try {
      sftp = await openSftp(ssh, await this.connectConfig(guard));
    } catch (error) {
      ssh.end();
      throw mapConnectError(error, this.where, guard.rejection);
    }
    // Nagle's algorithm holds back small SFTP packets waiting for ACKs: ~2 MiB/s instead of ~150 on loopback.
    ssh.setNoDelay(true);
    // Only a speed-up: a future ssh2 that keeps its socket elsewhere still works without it.
    const socket = (ssh as unknown as Partial<ClientInternals>)._sock;
    if (socket) coalesceWrites(socket);
    keepPacketKeysAsKeyObjects(ssh);
    let markLost: (error: Error) => void = () => undefined;
    const lost = new Promise<Error>((resolve) => {
      markLost = resolve;
    });
    // Read before any upload, while the window is still whole.
    const session: Session = { sftp, ssh, closed: false, sendWindow: sendWindowOf(sftp), lost };
    ssh.on("close", () => {
      session.closed = true;
      const error = Object.assign(
        new Error("connection lost: the server closed the connection or the network dropped"),
        {
          code: "ECONNRESET",
        },
      );
      markLost(error);
    });
    return session;
  }

  private async connectConfig(guard: HostKeyGuard): Promise<ConnectConfig> {
    const o = this.options;
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
    if (o.privateKey !== undefined) config.privateKey = await this.privateKeyText(o.privateKey);
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
  private async privateKeyText(value: string): Promise<string> {
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----|^PuTTY-User-Key-File/m.test(value)) return value;
    const path = this.expand(value);
    try {
      return await readFile(path, "utf8");
    } catch (error) {
      throw new CairnError("CONFIG_INVALID", `sftp: cannot read the private key file ${path}`, {
        cause: error,
        hint: 'give the key\'s path, or its text with privateKey: "${file:~/.ssh/id_ed25519}"',
      });
    }
  }

  private expand(path: string): string {
    if (path === "~" || path.startsWith("~/")) return join(homedir(), path.slice(1));
    return isAbsolute(path) ? path : resolve(this.baseDir, path);
  }
}
