import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { pipeline } from "node:stream/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgeDecryptor, type DecryptOptions } from "./decrypt.js";
import { type EncryptionKeys, encryptStream } from "./encrypt.js";
import { parseIdentities, parseRecipients } from "./keys.js";

/** Debian's `age` (the reference Go implementation), `ssh-keygen`, and util-linux's `script` for a terminal. */
function tool(name: string): string {
  try {
    execFileSync("which", [name]);
    return name;
  } catch {
    throw new Error(
      `\`${name}\` is needed to check cairn against the age CLI: apt-get install age openssh-client`,
    );
  }
}

let dir: string;
const plain = randomBytes(150_000); // three STREAM chunks, the last one short

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cairn-age-"));
  for (const t of ["age", "age-keygen", "ssh-keygen", "script"]) tool(t);
  execFileSync("age-keygen", ["-o", join(dir, "key1.txt")], { stdio: "ignore" });
  execFileSync("age-keygen", ["-o", join(dir, "key2.txt")], { stdio: "ignore" });
  for (const type of ["ed25519", "rsa"]) {
    execFileSync("ssh-keygen", [
      "-q",
      "-t",
      type,
      "-N",
      "",
      "-C",
      "backup@host",
      "-f",
      join(dir, `id_${type}`),
    ]);
  }
  await writeFile(join(dir, "plain"), plain);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const file = (name: string) => join(dir, name);
const text = (name: string) => readFile(file(name), "utf8");
const publicKey = (key: string) => execFileSync("age-keygen", ["-y", file(key)], { encoding: "utf8" }).trim();

async function cairnEncrypt(keys: EncryptionKeys, out: string): Promise<void> {
  await writeFile(file(out), await buffer(encryptStream(Readable.from([plain]), keys)));
}

async function cairnDecrypt(input: string, options: Omit<DecryptOptions, "what">): Promise<Buffer> {
  const decryptor = new AgeDecryptor({ ...options, what: input });
  const [, out] = await Promise.all([
    pipeline(Readable.from([await readFile(file(input))]), decryptor),
    buffer(decryptor),
  ]);
  return out;
}

function ageDecrypt(input: string, identity: string): Buffer {
  return execFileSync("age", ["-d", "-i", file(identity), file(input)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
}

describe("cairn and the age CLI", () => {
  it("age -d opens what cairn encrypts to an X25519 recipient", async () => {
    await cairnEncrypt({ recipients: await parseRecipients(publicKey("key1.txt")) }, "x.age");
    expect(ageDecrypt("x.age", "key1.txt").equals(plain)).toBe(true);
  });

  it("cairn opens what age -r encrypts", async () => {
    execFileSync("age", ["-r", publicKey("key1.txt"), "-o", file("from-age.age"), file("plain")]);
    const out = await cairnDecrypt("from-age.age", {
      identities: await parseIdentities(await text("key1.txt")),
    });
    expect(out.equals(plain)).toBe(true);
  });

  it.each(["ed25519", "rsa"])("speaks age's ssh-%s recipient both ways", async (type) => {
    const recipients = await parseRecipients(await text(`id_${type}.pub`));
    expect(recipients[0]!.label).toMatch(new RegExp(`^ssh-${type} SHA256:`));
    await cairnEncrypt({ recipients }, `ssh-${type}.age`);
    expect(ageDecrypt(`ssh-${type}.age`, `id_${type}`).equals(plain)).toBe(true);

    execFileSync("age", ["-R", file(`id_${type}.pub`), "-o", file(`ssh-${type}-age.age`), file("plain")]);
    const identities = await parseIdentities(await text(`id_${type}`));
    expect(identities[0]!.label).toBe(recipients[0]!.label);
    expect((await cairnDecrypt(`ssh-${type}-age.age`, { identities })).equals(plain)).toBe(true);
  });

  it("encrypts to several recipients, each of which alone opens the file", async () => {
    const recipients = [
      ...(await parseRecipients(`${publicKey("key1.txt")}\n# the off-site key\n${publicKey("key2.txt")}`)),
      ...(await parseRecipients(await text("id_ed25519.pub"))),
    ];
    await cairnEncrypt({ recipients }, "many.age");
    for (const identity of ["key1.txt", "key2.txt", "id_ed25519"]) {
      expect(ageDecrypt("many.age", identity).equals(plain)).toBe(true);
      const identities = await parseIdentities(await text(identity));
      expect((await cairnDecrypt("many.age", { identities })).equals(plain)).toBe(true);
    }
    expect(() => ageDecrypt("many.age", "id_rsa")).toThrow();
  });

  it("shares a passphrase with age -p, typed at a terminal", async () => {
    const passphrase = "correct horse battery staple";
    // age reads passphrases only from a terminal; `script` gives it one and types for us.
    const typed = (command: string, input: string) =>
      execFileSync("script", ["-qec", command, "/dev/null"], { input, stdio: ["pipe", "ignore", "ignore"] });
    typed(`age -p -o ${file("p-age.age")} ${file("plain")}`, `${passphrase}\n${passphrase}\n`);
    expect(
      (await cairnDecrypt("p-age.age", { identities: [], passphrases: [passphrase] })).equals(plain),
    ).toBe(true);

    await cairnEncrypt({ passphrase, scryptWorkFactor: 12 }, "p-cairn.age");
    typed(`age -d -o ${file("p-cairn.out")} ${file("p-cairn.age")}`, `${passphrase}\n`);
    expect((await readFile(file("p-cairn.out"))).equals(plain)).toBe(true);
    // age -p always uses scrypt's full work factor (2^18), which takes JavaScript seconds.
  }, 60_000);
});
