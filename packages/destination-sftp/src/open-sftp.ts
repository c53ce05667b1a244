import type { Client, ConnectConfig, SFTPWrapper } from "ssh2";

/**
 * Connects `ssh` and opens its SFTP channel. Rejects with ssh2's own error, whose `level` tells
 * an authentication failure from a timeout. An error listener stays on the connection: ssh2
 * reports a dropped socket as an event, which with no listener would end the process; the
 * `close` that follows is what tells the session it is lost.
 */
export function openSftp(ssh: Client, config: ConnectConfig): Promise<SFTPWrapper> {
  ssh.on("error", () => undefined);
  return new Promise((resolve, reject) => {
    const settle = (error: Error | undefined, sftp?: SFTPWrapper) => {
      ssh.off("error", failed).off("ready", ready).off("close", closed);
      if (error) reject(error);
      else resolve(sftp!);
    };
    const failed = (error: Error) => settle(error);
    const closed = () =>
      settle(
        Object.assign(new Error("the server closed the connection before it was ready"), {
          code: "ECONNRESET",
        }),
      );
    const ready = () => {
      ssh.off("ready", ready);
      ssh.sftp((error, sftp) => settle(error, sftp));
    };
    ssh.once("error", failed).once("ready", ready).once("close", closed);
    ssh.connect(config);
  });
}

/** Ends the connection and waits until it closed (a bounded wait: a dead server never answers). */
export async function endConnection(ssh: Client, closed: Promise<unknown>): Promise<void> {
  ssh.end();
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
}
