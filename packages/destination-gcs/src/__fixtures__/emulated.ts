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

// The stream helpers every destination's tests use, under the names these tests know.
export { randomStream as patternStream, collect as readAll } from "@cairn/testkit";
