import type { SFTPWrapper } from "ssh2";

/** What ssh2 keeps but its types do not show: the channel's windows and the protocol that sends adjustments. */
interface ChannelInternals {
  incoming?: { window?: unknown };
  outgoing?: { id?: unknown; window?: unknown };
  _protocol?: { channelWindowAdjust?: unknown };
}

/**
 * The SFTP channel's send window in bytes: what the server lets cairn send before it reads
 * more. Read as the connection opens it is the server's full window (sshd's is 2 MiB); it
 * shrinks as data is sent and grows back as the server reads it. Undefined where ssh2 does not
 * show it.
 */
export function sendWindowOf(sftp: SFTPWrapper): number | undefined {
  const window = (sftp as unknown as ChannelInternals).outgoing?.window;
  return typeof window === "number" ? window : undefined;
}

/** Window updates smaller than this wait for the next reply: one message per read is plenty. */
const SMALLEST_UPDATE = 128 * 1024;

/**
 * Returns a function that reopens the SFTP channel's receive window to `size` bytes. ssh2 lets
 * the server send into a 2 MiB window and only adds to it once half is used, so over a link with
 * latency a download gets 1 to 2 MiB per round trip, while OpenSSH keeps the full window open.
 * The server sends only replies to the reads cairn made, so memory stays bounded by the reads
 * in flight whatever the window.
 * Only a speed-up: where ssh2 does not show these fields, nothing is changed.
 */
export function receiveWindowKeeper(sftp: SFTPWrapper, size: number): () => void {
  const channel = sftp as unknown as ChannelInternals;
  const adjust = channel._protocol?.channelWindowAdjust;
  const id = channel.outgoing?.id;
  const incoming = channel.incoming;
  if (typeof adjust !== "function" || typeof id !== "number" || typeof incoming?.window !== "number") {
    return () => undefined;
  }
  return () => {
    const window = incoming.window as number;
    const missing = size - window;
    if (missing < SMALLEST_UPDATE) return;
    incoming.window = window + missing;
    adjust.call(channel._protocol, id, missing);
  };
}
