import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listed, Project, simpleConfig } from "./__fixtures__/cli.js";

/** Debian's `age` and `unzip`: a user with nothing but these restores an encrypted backup. */
function tool(name: string): string {
  try {
    execFileSync("which", [name]);
    return name;
  } catch {
    throw new Error(`\`${name}\` is needed to check encrypted backups: apt-get install age unzip tar`);
  }
}

const MARKER = "cairn-encryption-marker-91c2";

describe("cairn with encryption", () => {
  let project: Project;
  let recipient: string;

  beforeEach(async () => {
    project = await Project.create();
    await project.file("data/notes.txt", `${MARKER}\n`.repeat(2000));
    await project.file("data/deeper/more.txt", MARKER);
    await project.file("data/z-last.bin", randomBytes(200_000));
    const made = await project.run(["keygen", "-o", "key.txt"]);
    expect(made.code, made.stderr).toBe(0);
    recipient = made.stdout.trim();
  });
  afterEach(() => project.cleanup());

  async function backUp(format: string, encryption = `encryption: { recipients: ["${recipient}"] }`) {
    await project.writeConfig(simpleConfig("./data", encryption, format));
    const result = await project.run(["backup"]);
    expect(result.code, result.stderr).toBe(0);
    const { backups } = await listed(project);
    return backups[0]!;
  }

  it("keygen writes a 0600 identity that the age CLI reads, and prints its public key", async () => {
    expect(recipient).toMatch(/^age1[0-9a-z]{58}$/);
    expect((await stat(join(project.dir, "key.txt"))).mode & 0o777).toBe(0o600);
    tool("age-keygen");
    const derived = execFileSync("age-keygen", ["-y", join(project.dir, "key.txt")], { encoding: "utf8" });
    expect(derived.trim()).toBe(recipient);
    const again = await project.run(["keygen", "-o", "key.txt"]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("never overwrites");
  });

  it("makes <id>.zip.age, which age -d and unzip -t open, with no plaintext at rest", async () => {
    const backup = await backUp("zip");
    expect(backup.key).toMatch(/\.zip\.age$/);
    const stored = await readFile(join(project.dir, "backups", backup.key));
    expect(stored.includes(MARKER)).toBe(false);
    const manifest = await readFile(
      join(project.dir, "backups", backup.key.replace(/\.zip\.age$/, ".manifest.json")),
      "utf8",
    );
    expect(JSON.parse(manifest).encryption).toEqual({ format: "age", recipients: [recipient] });

    const zip = join(project.dir, "out.zip");
    execFileSync(tool("age"), [
      "-d",
      "-i",
      join(project.dir, "key.txt"),
      "-o",
      zip,
      join(project.dir, "backups", backup.key),
    ]);
    expect(execFileSync(tool("unzip"), ["-t", zip], { encoding: "utf8" })).toContain("No errors detected");

    const restored = await project.run(["restore", backup.id, "--to", "restored", "--identity", "key.txt"]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(await readFile(join(project.dir, "restored", "data", "deeper", "more.txt"), "utf8")).toBe(MARKER);
  });

  it("restores a backup whose archive the age CLI encrypted", async () => {
    const backup = await backUp("tar.gz", "");
    const file = join(project.dir, "backups", backup.key);
    // Re-encrypt the plain archive with age and record it as cairn would have.
    execFileSync(tool("age"), ["-r", recipient, "-o", `${file}.age`, file]);
    const manifestFile = file.replace(/\.tar\.gz$/, ".manifest.json");
    const manifest = JSON.parse(await readFile(manifestFile, "utf8"));
    const encrypted = await readFile(`${file}.age`);
    const { createHash } = await import("node:crypto");
    manifest.archive = {
      ...manifest.archive,
      key: `${backup.key}.age`,
      size: encrypted.length,
      sha256: createHash("sha256").update(encrypted).digest("hex"),
    };
    manifest.encryption = { format: "age", recipients: [recipient] };
    await writeFile(manifestFile, JSON.stringify(manifest));
    execFileSync("rm", [file]);
    const restored = await project.run(["restore", backup.id, "--to", "restored", "-i", "key.txt"]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(await readFile(join(project.dir, "restored", "data", "deeper", "more.txt"), "utf8")).toBe(MARKER);
  });

  it("verify checks contents with the key, and only the stored SHA-256 without one, saying so", async () => {
    const backup = await backUp("tar.gz");
    const full = await project.run(["verify", "-i", "key.txt"]);
    expect(full.code, full.stderr).toBe(0);
    expect(full.stdout).toMatch(/ok .* 5 entries/);
    const stored = await project.run(["verify"]);
    expect(stored.code, stored.stderr).toBe(0);
    expect(stored.stdout).toContain("contents not checked");
    expect(backup.key).toMatch(/\.tar\.gz\.age$/);
  });

  it("without the right key, restore and verify fail with exit 2, naming the recipient, and write nothing", async () => {
    const backup = await backUp("tar.gz");
    const missing = await project.run(["restore", backup.id, "--to", "restored"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(recipient);
    expect(await project.ls("restored")).toEqual([]);
    await project.run(["keygen", "-o", "other.txt"]);
    const wrong = await project.run(["restore", backup.id, "--to", "restored", "-i", "other.txt"]);
    expect(wrong.code).toBe(2);
    expect(await project.ls("restored")).toEqual([]);
    const verify = await project.run(["verify", "-i", "other.txt"]);
    expect(verify.code).toBe(2);
    const secret = (await readFile(join(project.dir, "other.txt"), "utf8")).split("\n")[2]!;
    expect(wrong.stderr + verify.stdout + verify.stderr).not.toContain(secret);
  });

  // tar.gz streams entries to disk as it reads them: only staging keeps a damaged copy out. zip
  // is decrypted into a temporary file first (its index is at its end): none may stay behind.
  it.each([
    ["truncated", "tar.gz", (file: Buffer) => file.subarray(0, file.length - 1000)],
    [
      "one flipped byte",
      "tar.gz",
      (file: Buffer) => Buffer.from(file.map((b, i) => (i === file.length - 5000 ? b ^ 0x40 : b))),
    ],
    ["truncated", "zip", (file: Buffer) => file.subarray(0, file.length - 1000)],
    [
      "one flipped byte",
      "zip",
      (file: Buffer) => Buffer.from(file.map((b, i) => (i === 5000 ? b ^ 0x40 : b))),
    ],
  ])("%s %s ciphertext fails restore and verify loudly, restoring nothing", async (_what, format, damage) => {
    const backup = await backUp(format);
    const file = join(project.dir, "backups", backup.key);
    await writeFile(file, damage(await readFile(file)));
    // Make the manifest agree, so that only decryption can tell.
    const manifestFile = file.replace(/\.(tar\.gz|zip)\.age$/, ".manifest.json");
    const manifest = JSON.parse(await readFile(manifestFile, "utf8"));
    const damaged = await readFile(file);
    const { createHash } = await import("node:crypto");
    manifest.archive.size = damaged.length;
    manifest.archive.sha256 = createHash("sha256").update(damaged).digest("hex");
    await writeFile(manifestFile, JSON.stringify(manifest));

    await mkdir(join(project.dir, "tmp"));
    const tmp = { TMPDIR: join(project.dir, "tmp") };
    const restored = await project.run(["restore", backup.id, "--to", "restored", "-i", "key.txt"], tmp);
    expect(restored.code).toBe(1);
    expect(restored.stderr).toContain("cannot be decrypted");
    expect(await project.ls("restored")).toEqual([]);
    const verify = await project.run(["verify", "-i", "key.txt"], tmp);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain("FAILED");
    expect(await project.ls("tmp")).toEqual([]);
  });

  it("encrypts to several recipients, and each identity alone restores", async () => {
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(project.dir, "id_ed25519")]);
    const second = (await project.run(["keygen", "-o", "second.txt"])).stdout.trim();
    const recipients = `["${recipient}", "${second}", "\${file:./id_ed25519.pub}"]`;
    const backup = await backUp("zip", `encryption: { recipients: ${recipients} }`);
    for (const identity of ["key.txt", "second.txt", "id_ed25519"]) {
      const to = `restored-${identity}`;
      const restored = await project.run(["restore", backup.id, "--to", to, "-i", identity]);
      expect(restored.code, restored.stderr).toBe(0);
      expect(await readFile(join(project.dir, to, "data", "deeper", "more.txt"), "utf8")).toBe(MARKER);
    }
  }, 60_000);

  it("encrypts with a passphrase from the environment, redacted everywhere", async () => {
    const passphrase = "tremble-orbit-cactus-lantern";
    await project.writeConfig(
      simpleConfig("./data", 'encryption: { passphrase: "${env:CAIRN_TEST_PASSPHRASE}" }', "zip"),
    );
    const env = { CAIRN_TEST_PASSPHRASE: passphrase };
    const made = await project.run(["backup", "--verbose"], env);
    expect(made.code, made.stderr).toBe(0);
    const { backups } = await project.json<{ backups: { id: string; key: string }[] }>(["list"], env);
    const restored = await project.run(["restore", backups[0]!.id, "--to", "restored", "--json"], env);
    expect(restored.code, restored.stderr).toBe(0);
    const shown = await project.run(["config", "check", "--verbose"], env);
    for (const out of [made, restored, shown]) expect(out.stdout + out.stderr).not.toContain(passphrase);
    const manifest = await readFile(
      join(project.dir, "backups", backups[0]!.key.replace(/\.zip\.age$/, ".manifest.json")),
      "utf8",
    );
    expect(manifest).not.toContain(passphrase);
    expect(JSON.parse(manifest).encryption).toEqual({ format: "age", recipients: [], passphrase: true });
  }, 60_000);
});
