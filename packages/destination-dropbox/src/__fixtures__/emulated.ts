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

// The stream helpers every destination's tests use, under the names these tests know.
export { randomStream as patternStream, collect as readAll, sha256OfStream as sha256Of } from "@cairn/testkit";

export function signal(): AbortSignal {
  return new AbortController().signal;
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}
