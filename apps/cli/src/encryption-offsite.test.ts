import { execFileSync } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type DropboxEmulator, startDropboxEmulator } from "@cairn/testkit/dropbox-emulator";
import { type SshdServer, startSshd } from "@cairn/testkit/sshd";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Project } from "./__fixtures__/cli.js";

const MARKER = "cairn-offsite-only-marker-b81e";

interface Listed {
  backups: { id: string; destination: string; key: string; encrypted: boolean }[];
}

/**
 * The off-site copies encrypted, the local one not: `encryption` on the Dropbox destination (an
 * age key) and on the SFTP one (an SSH key), none on the job.
 */
describe("encryption on some destinations of a job", () => {
  let project: Project;
  let sshd: SshdServer;
  let dropbox: DropboxEmulator;
  let recipient: string;

  beforeAll(async () => {
    project = await Project.create();
    [sshd, dropbox] = await Promise.all([startSshd(), startDropboxEmulator()]);
    dropbox.addApp("cairn-test-app");
    const refreshToken = dropbox.issueRefreshToken("cairn-test-app");
    await project.file("data/customers.csv", `id,name\n${`1,${MARKER}\n`.repeat(5000)}`);
    await project.file("data/notes/readme.txt", MARKER);
    const made = await project.run(["keygen", "-o", "key.txt"]);
    expect(made.code, made.stderr).toBe(0);
    recipient = made.stdout.trim();
    await project.file("client_key", sshd.clientKey.privateKey);
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(project.dir, "id_ed25519")]);
    await project.writeConfig(`destinations:
  disk: { type: local, path: ./backups }
  offsite:
    type: dropbox
    appKey: cairn-test-app
    refreshToken: "${refreshToken}"
    path: /backups
    apiBaseUrl: "${dropbox.url}"
    encryption: { recipients: ["${recipient}"] }
  nas:
    type: sftp
    host: 127.0.0.1
    port: ${sshd.port}
    username: ${sshd.username}
    privateKey: "\${file:./client_key}"
    hostKey: "${sshd.hostKeyFingerprint}"
    path: ${sshd.dataDir}/backups
    encryption: { recipients: ["\${file:./id_ed25519.pub}"] }
jobs:
  db:
    source: { type: path, path: ./data }
    archive: { format: zip }
    destinations: [offsite, disk, nas] # the encrypted copy first: restore without a key skips it
`);
    const backup = await project.run(["backup"]);
    expect(backup.code, backup.stderr).toBe(0);
  }, 90_000);
  afterAll(async () => {
    await Promise.all([sshd?.stop(), dropbox?.close()]);
    await project?.cleanup();
  });

  it("stores a plain zip locally and age files off-site with no plaintext, which age -d opens", async () => {
    const { backups } = await project.json<Listed>(["list"]);
    const keys = Object.fromEntries(backups.map((b) => [b.destination, b.key]));
    expect(new Set(backups.map((b) => b.id)).size).toBe(1);
    expect(keys.disk).toMatch(/^db\/db-.*\.zip$/);
    expect(keys.offsite).toBe(`${keys.disk}.age`);
    expect(keys.nas).toBe(`${keys.disk}.age`);
    expect(Object.fromEntries(backups.map((b) => [b.destination, b.encrypted]))).toEqual({
      disk: false,
      offsite: true,
      nas: true,
    });

    const local = join(project.dir, "backups", keys.disk!);
    expect(execFileSync("unzip", ["-t", local], { encoding: "utf8" })).toContain("No errors detected");
    const offsite = dropbox.filePaths();
    expect(offsite).toHaveLength(2);
    for (const path of offsite) expect((await dropbox.readFile(path)).includes(MARKER), path).toBe(false);
    const sftp = await readdir(join(sshd.dataDir, "backups", "db"));
    expect(sftp).toHaveLength(2);
    for (const name of sftp) {
      const bytes = await readFile(join(sshd.dataDir, "backups", "db", name));
      expect(bytes.includes(MARKER), name).toBe(false);
    }

    // A user with only the age command and the key opens the off-site copies.
    const sealed = offsite.find((p) => p.endsWith(".zip.age"))!;
    await writeFile(join(project.dir, "offsite.zip.age"), await dropbox.readFile(sealed));
    execFileSync("age", ["-d", "-i", "key.txt", "-o", "offsite.zip", "offsite.zip.age"], {
      cwd: project.dir,
    });
    execFileSync(
      "age",
      ["-d", "-i", "id_ed25519", "-o", "nas.zip", join(sshd.dataDir, "backups", keys.nas!)],
      {
        cwd: project.dir,
      },
    );
    for (const zip of ["offsite.zip", "nas.zip"]) {
      const listing = execFileSync("unzip", ["-p", zip, "data/notes/readme.txt"], { cwd: project.dir });
      expect(listing.toString()).toBe(MARKER);
    }
  });

  it("each manifest records what is stored beside it", async () => {
    const local = JSON.parse(
      await readFile(
        join(
          project.dir,
          "backups",
          "db",
          (await project.ls("backups/db")).find((n) => n.endsWith(".json"))!,
        ),
        "utf8",
      ),
    );
    const remote = JSON.parse(
      (await dropbox.readFile(dropbox.filePaths().find((p) => p.endsWith(".manifest.json"))!)).toString(),
    );
    expect(local.encryption).toBeUndefined();
    expect(remote.encryption).toEqual({ format: "age", recipients: [recipient] });
    expect(remote.archive.size).toBeGreaterThan(local.archive.size);
    expect(remote.archive.sha256).not.toBe(local.archive.sha256);
  });

  it("restores from every destination, reading the plain copy when no key is given", async () => {
    const plain = await project.run(["restore", "db", "--to", "from-any"]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toContain("from disk");
    for (const [destination, key] of [
      ["disk", undefined],
      ["offsite", "key.txt"],
      ["nas", "id_ed25519"],
    ] as const) {
      const to = `restored-${destination}`;
      const restored = await project.run([
        "restore",
        "db",
        "--to",
        to,
        "-d",
        destination,
        ...(key ? ["-i", key] : []),
      ]);
      expect(restored.code, restored.stderr).toBe(0);
      expect(await readFile(join(project.dir, to, "data", "notes", "readme.txt"), "utf8")).toBe(MARKER);
    }
    const locked = await project.run(["restore", "db", "--to", "no-key", "-d", "offsite"]);
    expect(locked.code).toBe(2);
    expect(locked.stderr).toContain(recipient);
    expect(await project.ls("no-key")).toEqual([]);
  }, 60_000);

  it("verifies the plain copy fully without a key and the encrypted ones with theirs", async () => {
    const keyless = await project.run(["verify"]);
    expect(keyless.code, keyless.stderr).toBe(0);
    expect(keyless.stdout).toMatch(/ok +disk .* entries/);
    expect(keyless.stdout).toMatch(/ok +offsite .* contents not checked/);
    const full = await project.run(["verify", "-i", "key.txt", "-i", "id_ed25519"]);
    expect(full.code, full.stderr).toBe(0);
    expect(full.stdout).not.toContain("contents not checked");
    expect(full.stdout.match(/^ok /gm)).toHaveLength(3);
  }, 60_000);

  it("config check says which destinations encrypt", async () => {
    const checked = await project.run(["config", "check"]);
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.stdout).toContain(
      "destination offsite: dropbox, encrypts what it stores (age, 1 recipient)",
    );
    expect(checked.stdout).toContain("destination disk: local\n");
  });
});
