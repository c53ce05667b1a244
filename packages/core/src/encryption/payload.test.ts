import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { pipeline } from "node:stream/promises";
import { inflateSync } from "node:zlib";
import { Decrypter, Encrypter, generateIdentity, identityToRecipient } from "age-encryption";
import * as cctv from "cctv-age";
import { describe, expect, it } from "vitest";
import { CairnError } from "../errors.js";
import { AgeDecryptor, type DecryptOptions } from "./decrypt.js";
import { encryptStream } from "./encrypt.js";
import { parseIdentities, parseRecipients } from "./keys.js";

async function decrypt(file: Uint8Array, options: Omit<DecryptOptions, "what">): Promise<Buffer> {
  const decryptor = new AgeDecryptor({ ...options, what: "the test file" });
  const [, out] = await Promise.all([
    pipeline(Readable.from([Buffer.from(file)]), decryptor),
    buffer(decryptor),
  ]);
  return out;
}

async function encrypt(plain: Buffer, recipient: string): Promise<Buffer> {
  return buffer(encryptStream(Readable.from([plain]), { recipients: await parseRecipients(recipient) }));
}

/** The C2SP/CCTV age test vectors, as the format's author publishes them for every implementation. */
function vectors() {
  return Object.entries(cctv as Record<string, Uint8Array>).map(([name, contents]) => {
    const file = Buffer.from(contents);
    const split = file.indexOf("\n\n");
    const meta: Record<string, string> = {};
    const identities: string[] = [];
    for (const line of file.subarray(0, split).toString().split("\n")) {
      const [key, value] = line.split(": ", 2) as [string, string];
      if (key === "identity") identities.push(value);
      else meta[key] = value;
    }
    let body = file.subarray(split + 2);
    if (meta.compressed === "zlib") body = inflateSync(body);
    return { name, meta, identities, body };
  });
}

describe("age payload", () => {
  // cairn writes and reads binary age files only; the armored vectors test the ASCII armor.
  const binary = vectors().filter((v) => !v.meta.armored);

  it.each(binary.map((v) => [v.name, v] as const))("agrees with CCTV vector %s", async (_name, v) => {
    const options = {
      identities: await parseIdentities(v.identities.join("\n")).catch(() => []),
      passphrases: v.meta.passphrase ? [v.meta.passphrase] : [],
    };
    const run = decrypt(v.body, options);
    if (v.meta.expect === "success") {
      const plain = await run;
      expect(createHash("sha256").update(plain).digest("hex")).toBe(v.meta.payload);
      return;
    }
    const error = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(CairnError.is(error), `${v.name} (${v.meta.expect}) must fail`).toBe(true);
    const code = v.meta.expect === "no match" ? "DECRYPT_NO_IDENTITY" : "DECRYPT_FAILED";
    expect((error as CairnError).code).toBe(code);
  });

  // Sizes around the 64 KiB chunk: empty, partial, exactly one and two chunks, one byte over.
  const sizes = [0, 1, 65535, 65536, 65537, 131072, 200_000];

  it.each(sizes)("age-encryption decrypts what cairn encrypts (%i bytes)", async (size) => {
    const identity = await generateIdentity();
    const plain = randomBytes(size);
    const file = await encrypt(plain, await identityToRecipient(identity));
    const d = new Decrypter();
    d.addIdentity(identity);
    expect(Buffer.from(await d.decrypt(file)).equals(plain)).toBe(true);
  });

  it.each(sizes)("cairn decrypts what age-encryption encrypts (%i bytes)", async (size) => {
    const identity = await generateIdentity();
    const plain = randomBytes(size);
    const e = new Encrypter();
    e.addRecipient(await identityToRecipient(identity));
    const file = await e.encrypt(plain);
    const out = await decrypt(file, { identities: await parseIdentities(identity) });
    expect(out.equals(plain)).toBe(true);
  });

  it("round-trips a passphrase through age-encryption's scrypt", async () => {
    const plain = randomBytes(70_000);
    const file = await buffer(
      encryptStream(Readable.from([plain]), { passphrase: "correct horse", scryptWorkFactor: 12 }),
    );
    expect(file.subarray(0, 40).toString()).toContain("-> scrypt ");
    const d = new Decrypter();
    d.addPassphrase("correct horse");
    expect(Buffer.from(await d.decrypt(file)).equals(plain)).toBe(true);
    const wrong = await decrypt(file, { identities: [], passphrases: ["wrong"] }).catch((e: unknown) => e);
    expect(CairnError.is(wrong, "DECRYPT_NO_IDENTITY")).toBe(true);
  });

  it("names the keys a backup was made for when none of the given ones fits", async () => {
    const mine = await generateIdentity();
    const theirs = await identityToRecipient(await generateIdentity());
    const file = await encrypt(Buffer.from("x"), theirs);
    const error = await decrypt(file, { identities: await parseIdentities(mine), madeFor: [theirs] }).catch(
      (e: unknown) => e as CairnError,
    );
    expect(CairnError.is(error, "DECRYPT_NO_IDENTITY")).toBe(true);
    expect((error as CairnError).message).toContain(theirs);
    expect((error as CairnError).message).toContain(await identityToRecipient(mine));
    expect((error as CairnError).message).not.toContain(mine);
  });

  it("fails the stream and stops reading the source when the header cannot be made", async () => {
    const source = Readable.from(
      (function* () {
        for (let i = 0; i < 1000; i++) yield randomBytes(64 * 1024);
      })(),
    );
    const broken = {
      wrapFileKey(): never {
        throw new Error("the key store is unreachable");
      },
    };
    const out = encryptStream(source, { recipients: [{ recipient: broken, label: "broken" }] });
    await expect(buffer(out)).rejects.toThrow("the key store is unreachable");
    expect(source.destroyed).toBe(true);
  });
});
