import type { Logger } from "@cairn/core";
import { Client, type SFTPWrapper } from "ssh2";
import { sendWindowOf } from "./channel-window.js";
import { type ClientInternals, coalesceWrites } from "./coalesce-writes.js";
import { connectConfig, optionPath } from "./connect-config.js";
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
      knownHostsPath: optionPath(this.options.knownHosts ?? "~/.ssh/known_hosts", this.baseDir),
    });
    const ssh = new Client();
    let sftp: SFTPWrapper;
    try {
      sftp = await openSftp(ssh, await connectConfig(this.options, this.baseDir, guard));
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
}
