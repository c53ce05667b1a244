import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDropboxEmulator } from "@cairn/testkit/dropbox-emulator";
import { startGcsEmulator } from "@cairn/testkit/gcs-emulator";
import { startSshd } from "@cairn/testkit/sshd";

export type SharedKind = "local" | "sftp" | "gcs" | "dropbox";
export const SHARED_KINDS: readonly SharedKind[] = ["local", "sftp", "gcs", "dropbox"];

/** One destination many hosts write to: its config entry (YAML flow mapping) and how to stop it. */
export interface SharedDestination {
  kind: SharedKind;
  entry: string;
  stop(): Promise<void>;
}

/** Starts the real server (or folder) of a kind, for configs of several hosts to point at. */
export async function startShared(kind: SharedKind): Promise<SharedDestination> {
  const json = (value: Record<string, unknown>) => JSON.stringify(value);
  switch (kind) {
    case "local": {
      const dir = await mkdtemp(join(tmpdir(), "cairn-shared-"));
      return { kind, entry: json({ type: "local", path: dir }), stop: () => rm(dir, { recursive: true, force: true }) };
    }
    case "sftp": {
      const server = await startSshd();
      const entry = json({
        type: "sftp",
        host: server.host,
        port: server.port,
        username: server.username,
        privateKey: server.clientKey.privateKey,
        hostKey: server.hostKeyFingerprint,
        path: `${server.dataDir}/backups`,
        timeoutSeconds: 10,
      });
      return { kind, entry, stop: () => server.stop() };
    }
    case "gcs": {
      const emulator = await startGcsEmulator({ buckets: ["fleet"] });
      const entry = json({ type: "gcs", bucket: "fleet", prefix: "cairn", apiEndpoint: emulator.url, projectId: "test" });
      return { kind, entry, stop: () => emulator.stop() };
    }
    case "dropbox": {
      // Batches complete at launch: these tests prune hundreds of times, one host after another,
      // and the poll of an asynchronous batch is the Dropbox destination's own tests' business.
      const emulator = await startDropboxEmulator({ deleteBatchChecks: 0 });
      emulator.addApp("cairn-fleet");
      const entry = json({
        type: "dropbox",
        appKey: "cairn-fleet",
        refreshToken: emulator.issueRefreshToken("cairn-fleet"),
        path: "/fleet",
        apiBaseUrl: emulator.url,
        maxRetryDelay: 200,
      });
      return { kind, entry, stop: () => emulator.close() };
    }
  }
}
