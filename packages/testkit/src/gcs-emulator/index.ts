import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EmulatorState } from "./context.js";
import { FaultControls } from "./faults.js";
import { ObjectStore } from "./object-store.js";
import type { BucketOptions, SoftDeletePolicy } from "./records.js";
import { route } from "./router.js";
import { UploadSessions } from "./upload-sessions.js";

export type { FailOptions, RequestKind } from "./faults.js";
export { FaultControls } from "./faults.js";
export { crc32cToBase64, crc32cUpdate, ObjectHasher } from "./hashes.js";
export type { BucketOptions, SoftDeletePolicy } from "./records.js";

export interface GcsEmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Buckets that exist from the start. */
  buckets?: string[];
}

export interface GcsEmulator {
  /** The base URL to pass as the SDK's `apiEndpoint`, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly port: number;
  /** Fault injection and request counts. */
  readonly faults: FaultControls;
  createBucket(name: string, options?: BucketOptions): void;
  setSoftDeletePolicy(bucket: string, policy: SoftDeletePolicy): void;
  /** Names of the objects in a bucket, sorted. */
  objectNames(bucket: string): string[];
  /** Resumable upload sessions neither finished nor cancelled. */
  openUploads(): number;
  /** Stops the server and removes every stored byte. */
  stop(): Promise<void>;
}

/**
 * Starts an in-process server speaking the part of the Cloud Storage JSON API that
 * `@google-cloud/storage` uses for uploads, listings, downloads and deletes.
 * Written from Google's public API documentation; object bytes live in a temp folder.
 */
export async function startGcsEmulator(options: GcsEmulatorOptions = {}): Promise<GcsEmulator> {
  const dir = mkdtempSync(join(tmpdir(), "cairn-gcs-emulator-"));
  const store = new ObjectStore(dir);
  const state: EmulatorState = {
    store,
    faults: new FaultControls(),
    sessions: new UploadSessions(dir),
    tmpDir: dir,
  };
  for (const bucket of options.buckets ?? []) store.createBucket(bucket);

  const server: Server = createServer((req, res) => {
    void route(state, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  let stopped = false;

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    faults: state.faults,
    createBucket: (name, bucketOptions) => store.createBucket(name, bucketOptions),
    setSoftDeletePolicy: (bucket, policy) => store.setSoftDeletePolicy(bucket, policy),
    objectNames: (bucket) =>
      store.list(bucket, { prefix: "", maxResults: Number.MAX_SAFE_INTEGER }).items.map((o) => o.name),
    openUploads: () => state.sessions.openCount(),
    async stop() {
      if (stopped) return;
      stopped = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      store.destroy();
    },
  };
}
