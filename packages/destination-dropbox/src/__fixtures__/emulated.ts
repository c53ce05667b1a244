import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import type { Logger } from "@cairn/core";
import { type DropboxEmulator, type DropboxEmulatorOptions, startDropboxEmulator } from "@cairn/testkit/dropbox-emulator";
import { createDropboxDestination, type DropboxDestination } from "../destination.js";
import { type DropboxOptionsInput, dropboxOptions } from "../options.js";

export const APP_KEY = "cairn-test-app";

export interface EmulatedAccount {
  emu: DropboxEmulator;
  refreshToken: string;
  /** Every log line the destinations wrote, as text, to check for secrets. */
  logLines: string[];
  destination(overrides?: Partial<DropboxOptionsInput>): DropboxDestination;
}

/** An emulated Dropbox account with one linked app, and destinations pointed at it. */
export async function emulatedAccount(options: DropboxEmulatorOptions = {}): Promise<EmulatedAccount> {
  const emu = await startDropboxEmulator(options);
  emu.addApp(APP_KEY);
  const refreshToken = emu.issueRefreshToken(APP_KEY);
  const logLines: string[] = [];
  const record = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    logLines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  };
  const logger: Logger = { debug: record("debug"), info: record("info"), warn: record("warn"), error: record("error") };
  return {
    emu,
    refreshToken,
    logLines,
    destination(overrides = {}) {
      const parsed = dropboxOptions.parse({
        appKey: APP_KEY,
        refreshToken,
        path: "/backups",
        apiBaseUrl: emu.url,
        maxRetryDelay: 200,
        ...overrides,
      });
      return createDropboxDestination(parsed, { name: "offsite", logger });
    },
  };
}

/** Shared by every pattern stream of a run, so the same size and seed give the same bytes. */
const PIECE = randomBytes(1024 * 1024);

/**
 * `size` bytes that differ in every 1 MiB piece, produced as they are read, so a test of a
 * large upload holds no more than the destination does.
 */
export function patternStream(size: number, seed = 1): Readable {
  const piece = PIECE;
  let produced = 0;
  let index = 0;
  return new Readable({
    read() {
      if (produced >= size) {
        this.push(null);
        return;
      }
      const take = Math.min(piece.length, size - produced);
      const chunk = Buffer.from(piece.subarray(0, take));
      chunk.writeUInt32BE(index, 0);
      chunk.writeUInt32BE(seed, 4);
      index += 1;
      produced += take;
      this.push(chunk);
    },
  });
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export function signal(): AbortSignal {
  return new AbortController().signal;
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}
