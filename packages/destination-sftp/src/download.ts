import { Readable } from "node:stream";
import type { SFTPWrapper } from "ssh2";
import { receiveWindowKeeper } from "./channel-window.js";
import { SFTP_STATUS } from "./errors.js";
import { closeHandle, open } from "./sftp-calls.js";
import { requestSize } from "./upload.js";

/**
 * The receive window a download keeps open: twice sshd's. Measured with 64 reads of 128 KiB in
 * flight against OpenSSH's sftp: 2 MiB gave 0.95 to 1.2 of its rate on loopback and 1.1 through
 * 20 ms of latency; 4 MiB 1.0 and 1.8; 8 MiB 2.5 through latency, but erratic on loopback
 * (0.5 to 1.0, some runs three times slower than others).
 */
const RECEIVE_WINDOW = 4 * 1024 * 1024;

/** The bytes a read reply carries besides its data: length, type, id, data length. */
const READ_REPLY_OVERHEAD = 4 + 1 + 4 + 4;

export interface ReadOptions {
  /** Read requests outstanding; a restore over a link with latency needs many, like an upload. */
  readsInFlight: number;
  /** Settles when the connection drops, so a read that will never be answered fails the stream. */
  lost: Promise<Error>;
  /** Turns an SFTP error into the error the stream is destroyed with. */
  mapError: (error: unknown) => Error;
}

/**
 * A file of known size as a stream, with several reads in flight and the chunks pushed in
 * order. ssh2's own createReadStream waits for each read before asking for the next one.
 * Memory stays below readsInFlight × 128 KiB plus the stream's buffer.
 */
export function readStream(sftp: SFTPWrapper, path: string, size: number, options: ReadOptions): Readable {
  let handle: Buffer | undefined;
  let nextOffset = 0;
  const readSize = requestSize(sftp, "read");
  // Room for the replies in flight, up to RECEIVE_WINDOW.
  const keepWindowOpen = receiveWindowKeeper(
    sftp,
    Math.min(RECEIVE_WINDOW, options.readsInFlight * (readSize + READ_REPLY_OVERHEAD)),
  );
  const queue: Promise<Buffer>[] = [];
  const lost = options.lost.then((error) => Promise.reject(error));
  lost.catch(() => undefined);

  const readAt = async (offset: number, length: number): Promise<Buffer> => {
    const buffer = Buffer.allocUnsafe(length);
    let filled = 0;
    // A server may answer with fewer bytes than asked; ask again for the rest.
    while (filled < length) {
      const got = await Promise.race([
        readInto(sftp, handle as Buffer, buffer, filled, length - filled, offset + filled),
        lost,
      ]);
      if (got === 0) break;
      filled += got;
      keepWindowOpen();
    }
    return buffer.subarray(0, filled);
  };

  return new Readable({
    construct(callback) {
      open(sftp, path, "r").then(
        (opened) => {
          handle = opened;
          callback();
        },
        (error: unknown) => callback(options.mapError(error)),
      );
    },
    read() {
      while (queue.length < options.readsInFlight && nextOffset < size) {
        const length = Math.min(readSize, size - nextOffset);
        const request = readAt(nextOffset, length);
        request.catch(() => undefined);
        queue.push(request);
        nextOffset += length;
      }
      const head = queue.shift();
      if (!head) {
        this.push(null);
        return;
      }
      head.then(
        (chunk) => {
          if (chunk.length === 0)
            this.destroy(options.mapError(new Error(`${path} ended before its ${size} bytes`)));
          else this.push(chunk);
        },
        (error: unknown) => this.destroy(options.mapError(error)),
      );
    },
    destroy(error, callback) {
      const opened = handle;
      handle = undefined;
      if (!opened) return callback(error);
      Promise.race([closeHandle(sftp, opened), lost]).then(
        () => callback(error),
        () => callback(error),
      );
    },
  });
}

function readInto(
  sftp: SFTPWrapper,
  handle: Buffer,
  buffer: Buffer,
  offset: number,
  length: number,
  position: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    sftp.read(handle, buffer, offset, length, position, (error, bytesRead) => {
      if (error && (error as { code?: unknown }).code === SFTP_STATUS.EOF) resolve(0);
      else if (error) reject(error);
      else resolve(bytesRead);
    });
  });
}
