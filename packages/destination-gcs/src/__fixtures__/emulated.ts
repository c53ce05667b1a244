import { Readable } from "node:stream";
import { silentLogger } from "@cairn/core";
import type { GcsEmulator } from "@cairn/testkit/gcs-emulator";
import { createGcsDestination, type GcsDestination } from "../destination.js";
import { gcsOptions } from "../options.js";

/** A destination on the emulator, with the real SDK and the options a user would write. */
export function emulatedDestination(
  emulator: GcsEmulator,
  extra: Record<string, unknown> = {},
): GcsDestination {
  const options = gcsOptions.parse({
    bucket: "backups",
    prefix: "cairn",
    apiEndpoint: emulator.url,
    projectId: "test",
    chunkSize: 256 * 1024,
    ...extra,
  });
  return createGcsDestination(options, { baseDir: process.cwd(), logger: silentLogger });
}

export function signal(): AbortSignal {
  return new AbortController().signal;
}

/** Deterministic bytes, generated as they are read: a large stream without a large buffer. */
export function patternStream(size: number, chunk = 64 * 1024): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) {
        this.push(null);
        return;
      }
      const n = Math.min(chunk, size - sent);
      const buffer = Buffer.allocUnsafe(n);
      for (let i = 0; i < n; i++) buffer[i] = ((sent + i) * 31 + ((sent + i) >> 8)) & 0xff;
      sent += n;
      this.push(buffer);
    },
  });
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
