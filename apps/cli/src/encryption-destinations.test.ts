import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { type DropboxEmulator, startDropboxEmulator } from "@cairn/testkit/dropbox-emulator";
import { type GcsEmulator, startGcsEmulator } from "@cairn/testkit/gcs-emulator";
import { type SshdServer, startSshd } from "@cairn/testkit/sshd";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Project } from "./__fixtures__/cli.js";

const MARKER = "cairn-at-rest-marker-5d0e";

/** Every file under a folder, with its bytes. */
async function filesUnder(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const name of await readdir(dir, { recursive: true })) {
    const full = join(dir, name);
    const bytes = await readFile(full).catch(() => undefined); // folders
    if (bytes) out.set(name, bytes);
  }
  return out;
}

describe("an encrypted backup at every kind of destination", () => {
  let project: Project;
  let sshd: SshdServer;
  let gcs: GcsEmulator;
  let dropbox: DropboxEmulator;

  beforeAll(async () => {
    project = await Project.create();
    [sshd, gcs, dropbox] = await Promise.all([
      startSshd(),
      startGcsEmulator({ buckets: ["backups"] }),
      startDropboxEmulator(),
    ]);
    dropbox.addApp("cairn-test-app");
    const refreshToken = dropbox.issueRefreshToken("cairn-test-app");
    await project.file("data/customers.csv", `id,name\n${`1,${MARKER}\n`.repeat(5000)}`);
    await project.file("data/notes/readme.txt", MARKER);
    const made = await project.run(["keygen", "-o", "key.txt"]);
    expect(made.code, made.stderr).toBe(0);
    await project.file("client_key", sshd.clientKey.privateKey);
    await project.writeConfig(`destinations:
  disk: { type: local, path: ./backups }
  nas:
    type: sftp
    host: 127.0.0.1
    port: ${sshd.port}
    username: ${sshd.username}
    privateKey: "\${file:./client_key}"
    hostKey: "${sshd.hostKeyFingerprint}"
    path: ${sshd.dataDir}/backups
  cloud: { type: gcs, bucket: backups, prefix: cairn, apiEndpoint: "${gcs.url}", projectId: test }
  offsite: { type: dropbox, appKey: cairn-test-app, refreshToken: "${refreshToken}", path: /backups, apiBaseUrl: "${dropbox.url}" }
jobs:
  db:
    source: { type: path, path: ./data }
    archive: { format: zip }
    encryption: { recipients: ["${made.stdout.trim()}"] }
    destinations: [disk, nas, cloud, offsite]
`);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([sshd?.stop(), gcs?.stop(), dropbox?.close()]);
    await project?.cleanup();
  });

  it("stores the same ciphertext everywhere, with no plaintext at rest, and restores from each", async () => {
    const backup = await project.run(["backup"]);
    expect(backup.code, backup.stderr).toBe(0);

    const local = await filesUnder(join(project.dir, "backups"));
    const sftp = await filesUnder(join(sshd.dataDir, "backups"));
    const cloud = new Map<string, Buffer>();
    for (const name of gcs.objectNames("backups")) {
      const response = await fetch(`${gcs.url}/storage/v1/b/backups/o/${encodeURIComponent(name)}?alt=media`);
      cloud.set(name, Buffer.from(await response.arrayBuffer()));
    }
    const offsite = new Map<string, Buffer>();
    for (const path of dropbox.filePaths()) offsite.set(path, await dropbox.readFile(path));

    const archives: Buffer[] = [];
    for (const [where, objects] of Object.entries({ local, sftp, cloud, offsite })) {
      expect(objects.size, where).toBe(2); // the archive and its manifest
      for (const [name, bytes] of objects) {
        expect(bytes.includes(MARKER), `${where}: ${name}`).toBe(false);
        if (name.endsWith(".zip.age")) archives.push(bytes);
      }
    }
    expect(archives).toHaveLength(4);
    for (const archive of archives) expect(archive.equals(archives[0]!)).toBe(true);

    for (const destination of ["disk", "nas", "cloud", "offsite"]) {
      const to = `restored-${destination}`;
      const restored = await project.run(["restore", "db", "--to", to, "-d", destination, "-i", "key.txt"]);
      expect(restored.code, restored.stderr).toBe(0);
      expect(await readFile(join(project.dir, to, "data", "notes", "readme.txt"), "utf8")).toBe(MARKER);
    }
  }, 120_000);
});
